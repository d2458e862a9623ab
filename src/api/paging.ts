import { z } from "zod";
import { RequestError } from "./errors.js";

/** Opaque continuation tokens: base64url JSON the caller hands back unchanged. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeToken<T>(token: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (token === undefined) return undefined;
  try {
    const r = schema.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    if (r.success) return r.data;
  } catch {
    // fall through: same answer as a token of the wrong shape
  }
  throw new RequestError(400, "ValidationError", "query.continuationToken: not a token this API issued", [{ path: "query.continuationToken", message: "invalid" }]);
}

export const pageSizeQuery = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

/** Takes one page from rows in key order; the token resumes after the page's last key. */
export async function takePage<T>(rows: AsyncIterable<T>, pageSize: number, keyOf: (row: T) => string): Promise<{ items: T[]; continuationToken?: string }> {
  const items: T[] = [];
  for await (const row of rows) {
    if (items.length === pageSize) {
      const last = items[items.length - 1];
      return last === undefined ? { items } : { items, continuationToken: encodeToken({ after: keyOf(last) }) };
    }
    items.push(row);
  }
  return { items };
}

export const afterCursor = z.object({ after: z.string() });
