import { z } from "zod";
import { DELTA_TYPES } from "./types.js";

const select = z.array(z.string()).nullable();
/** Tenant, simulator instance, token epoch and issue time: what decides whether a token still holds. */
const sealed = { t: z.string(), n: z.string(), e: z.number().int().min(0), iat: z.number() };

/** A nextLink within a delta round: window (f, to] (f = -1: full round), object position p, pending container gp/gm/gr, phase ph (see DeltaCursor). */
const pageToken = z.object({
  k: z.literal("page"),
  ...sealed,
  r: z.enum(DELTA_TYPES),
  s: select,
  f: z.number().int().min(-1),
  to: z.number().int().min(0),
  p: z.number().int().min(0),
  gp: z.number().int().min(-1),
  gm: z.number().int().min(0),
  gr: z.boolean(),
  ph: z.number().int().min(0).max(2),
});

/** A deltaLink: the next round reports changes after `seq`. */
const deltaToken = z.object({ k: z.literal("delta"), ...sealed, r: z.enum(DELTA_TYPES), s: select, seq: z.number().int().min(0) });

/** A nextLink of a plain list (collection or members). */
const listToken = z.object({ k: z.literal("list"), t: z.string(), path: z.string(), s: select, top: z.number().int().min(1), p: z.number().int().min(0) });

const token = z.discriminatedUnion("k", [pageToken, deltaToken, listToken]);

export type PageToken = z.infer<typeof pageToken>;
export type DeltaToken = z.infer<typeof deltaToken>;
export type ListToken = z.infer<typeof listToken>;
export type SimToken = z.infer<typeof token>;

/** Opaque to clients: base64url JSON, which survives any query-string round trip. */
export function encodeToken(t: SimToken): string {
  return Buffer.from(JSON.stringify(t), "utf8").toString("base64url");
}

export function decodeToken(raw: string): SimToken | undefined {
  try {
    const parsed = token.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A token with what varies between runs (tenant, instance, issue time)
 * left out, for keys that must repeat from run to run.
 */
export function stableTokenKey(raw: string): string {
  const tok = decodeToken(raw);
  if (!tok) return raw;
  const { t: _t, ...rest } = tok;
  if (rest.k === "list") return JSON.stringify(rest);
  const { n: _n, iat: _iat, ...stable } = rest;
  return JSON.stringify(stable);
}
