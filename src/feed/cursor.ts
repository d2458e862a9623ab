import { z } from "zod";
import { RequestError } from "../api/errors.js";

/**
 * Why one position per lane, and why it is safe.
 *
 * Rows are keyed `callStart|tag|n` within a lane (feed-writer.ts). A lane
 * has one writer at a time (a type's stream runs one call at a time; the
 * fan-in and approvals have lanes of their own), and a call writes, and
 * so commits, its rows in key order: in a lane a row committed later never
 * has a smaller key than one already visible. Across lanes no such order
 * holds (two types' streams write at once, and a single key sequence would
 * need a shared counter, one more write per page), so the cursor keeps the
 * last key read in each lane; the answer merges the lanes by time.
 *
 * A position may also jump ahead to `now - CALL_BOUND_MS` in a lane that
 * had nothing after it: a call that started before then has ended, so its
 * rows were all visible to the read. That keeps an idle lane's position
 * fresh, which the retention check (a position older than the retention
 * answers 410) relies on.
 */

/**
 * The longest a call that writes feed rows can run: host.json's
 * functionTimeout (30 minutes) twice over, for clock skew between workers.
 * test/feed/call-bound.test.ts keeps the two in step.
 */
export const CALL_BOUND_MS = 60 * 60_000;

export interface FeedCursor {
  /** The types the cursor reads ("" for all); a cursor reads only with the types it was issued for. */
  readonly types: string;
  /** The last key read, per lane. */
  readonly at: Readonly<Record<string, string>>;
}

const cursorSchema = z.object({ v: z.literal(1), t: z.string().max(2048), p: z.record(z.string().max(64), z.string().max(128)) }).strict();

export function encodeCursor(c: FeedCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, t: c.types, p: c.at })).toString("base64url");
}

const notOurs = () => new RequestError(400, "ValidationError", "query.cursor: not a cursor this API issued", [{ path: "query.cursor", message: "invalid" }]);

/** A cursor this API issued, for these types and lanes; anything else is the caller's error. */
export function decodeCursor(token: string, types: string, lanes: readonly string[]): FeedCursor {
  let parsed: z.infer<typeof cursorSchema>;
  try {
    const r = cursorSchema.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    if (!r.success) throw notOurs();
    parsed = r.data;
  } catch {
    throw notOurs();
  }
  if (parsed.t !== types) throw new RequestError(400, "ValidationError", "query.types: a cursor reads only the types it was issued for", [{ path: "query.types", message: `the cursor was issued for ${parsed.t === "" ? "every type" : parsed.t}` }]);
  if (lanes.some((l) => parsed.p[l] === undefined)) throw notOurs();
  return { types: parsed.t, at: parsed.p };
}
