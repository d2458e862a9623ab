import type { Context, Middleware } from "@microsoft/microsoft-graph-client";

/**
 * Largest Graph response read. A delta page of 200 users or 500 member links
 * is well under a megabyte; 32 MiB leaves room for pages of large objects
 * while a broken or hostile Graph cannot make the process hold 300 MiB.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export const RESPONSE_TOO_LARGE = "ResponseTooLarge";

export class ResponseTooLarge extends Error {
  override readonly name = RESPONSE_TOO_LARGE;
}

/**
 * Reads each response body up to a limit, then hands the SDK a buffered
 * copy; past the limit it stops reading (the rest is never received) and
 * fails the request. A Content-Length over the limit fails it unread.
 */
export class ResponseSizeLimit implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly maxBytes: number = MAX_RESPONSE_BYTES) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error("ResponseSizeLimit has no next middleware");
    await this.next.execute(context);
    const res = context.response;
    if (!res?.body) return;
    const tooLarge = () => new ResponseTooLarge(`Graph sent a response of more than ${this.maxBytes} bytes: stopped reading`);
    const declared = Number(res.headers.get("content-length") ?? "");
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      await res.body.cancel().catch(() => undefined);
      throw tooLarge();
    }
    // A fetch Response body is a byte stream (Fetch Standard, "body").
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
    context.response = new Response(Buffer.concat(chunks), { status: res.status, statusText: res.statusText, headers: res.headers });
  }
}
