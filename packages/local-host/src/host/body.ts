import type { IncomingMessage } from "node:http";

export class BodyTooLargeError extends Error {}

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length above
 * the limit is refused before a byte is read; a chunked body is refused as
 * soon as it passes the limit, so nothing unbounded is ever buffered.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const chunk = c as Buffer;
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
