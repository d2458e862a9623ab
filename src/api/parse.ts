import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { RequestError } from "./errors.js";

/** Bodies above this are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

function invalid(error: z.ZodError, where: "body" | "query"): RequestError {
  const details = error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join("."), message: i.message }));
  const first = details[0];
  return new RequestError(400, "ValidationError", first ? `${first.path}: ${first.message}` : `invalid ${where}`, details);
}

export async function parseBody<T>(req: HttpRequest, schema: z.ZodType<T>): Promise<T> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new RequestError(413, "PayloadTooLarge", `The body may be at most ${MAX_BODY_BYTES} bytes.`);
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) throw new RequestError(413, "PayloadTooLarge", `The body may be at most ${MAX_BODY_BYTES} bytes.`);
  let value: unknown;
  if (bytes.byteLength === 0) value = undefined;
  else {
    try {
      value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      throw new RequestError(400, "InvalidJson", "The body is not valid JSON.");
    }
  }
  const r = schema.safeParse(value);
  if (!r.success) throw invalid(r.error, "body");
  return r.data;
}

export function parseQuery<T>(url: URL, schema: z.ZodType<T>): T {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k in raw) throw new RequestError(400, "ValidationError", `query.${k}: given more than once`, [{ path: `query.${k}`, message: "given more than once" }]);
    raw[k] = v;
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw invalid(r.error, "query");
  return r.data;
}

/** No query parameters at all. */
export const noQuery = z.object({}).strict();
