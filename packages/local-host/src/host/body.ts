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

/**
 * Kestrel's drain timeout: after a response, a request body the app left
 * unread is read and discarded for up to 5 seconds, then the connection is
 * closed (aspnetcore, src/Servers/Kestrel/Core/src/Internal/Infrastructure/Constants.cs,
 * RequestBodyDrainTimeout; Http1MessageBody.ConsumeAsync). Nothing is kept,
 * and closing only then spares the caller a reset that could overtake the answer.
 */
export const REQUEST_BODY_DRAIN_MS = 5_000;

/** Discards what is left of an unread body, closing the connection if it has not ended in time. */
export function drainThenClose(req: IncomingMessage): void {
  if (req.complete) return;
  const timer = setTimeout(() => req.socket.destroy(), REQUEST_BODY_DRAIN_MS);
  timer.unref();
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
  req.resume();
}
