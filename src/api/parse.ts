import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { RequestError } from "./errors.js";

/** Bodies above this are refused with 413; no more than this (plus one chunk) is ever read. */
export const MAX_BODY_BYTES = 64 * 1024;

function invalid(error: z.ZodError, where: "body" | "query"): RequestError {
  // An unknown key is named in the path ("query.constructor"), like any other bad field.
  const details = error.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((k) => ({ path: [where, ...i.path.map(String), k].join("."), message: "unknown field" }))
      : [{ path: [where, ...i.path.map(String)].join("."), message: i.message }],
  );
  const first = details[0];
  return new RequestError(400, "ValidationError", first ? `${first.path}: ${first.message}` : `invalid ${where}`, details);
}

const tooLarge = (limit: number) => new RequestError(413, "PayloadTooLarge", `The body may be at most ${limit} bytes.`);

/** Whether the request carries a body at all (RFC 9112 §6.3: Content-Length or Transfer-Encoding). */
export function hasBody(req: HttpRequest): boolean {
  const length = req.headers.get("content-length");
  return req.headers.has("transfer-encoding") || (length !== null && length.trim() !== "0");
}

/**
 * Reads the body chunk by chunk and stops as soon as
 * it passes `limit`: a chunked body declares no length, so the check cannot
 * wait for the end.
 */
export async function readBounded(req: HttpRequest, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!req.body) return new Uint8Array(0);
  // The worker hands the body over as a byte stream (@azure/functions, http/HttpRequest.ts).
  const reader = (req.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // Stop reading, but do not cancel: with HTTP streaming the body is the worker proxy's
      // request, and destroying it closes the connection the 413 goes back on
      // (node lib/_http_incoming.js, _destroy). The host drains or closes the rest.
      reader.releaseLock();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

export async function parseBody<T>(req: HttpRequest, schema: z.ZodType<T>, limit = MAX_BODY_BYTES): Promise<T> {
  const bytes = await readBounded(req, limit);
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
  // Null prototype: a parameter named __proto__ or constructor is a parameter like any other.
  const raw: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of url.searchParams) {
    if (Object.hasOwn(raw, k)) throw new RequestError(400, "ValidationError", `query.${k}: given more than once`, [{ path: `query.${k}`, message: "given more than once" }]);
    raw[k] = v;
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw invalid(r.error, "query");
  return r.data;
}

/** No query parameters at all. */
export const noQuery = z.object({}).strict();
