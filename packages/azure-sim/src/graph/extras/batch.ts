import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { z } from "zod";
import type { ApiCall } from "../call.js";

/** json-batching.md: "JSON batch requests are currently limited to 20 individual requests." */
export const MAX_BATCH = 20;

const batchSchema = z.object({
  requests: z.array(
    z.object({
      id: z.string().min(1),
      method: z.enum(["GET", "POST", "PATCH", "PUT", "DELETE"]),
      url: z.string().min(1),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
      dependsOn: z.array(z.string()).optional(),
    }),
  ),
});

export type ItemRunner = (req: IncomingMessage, res: ServerResponse, url: URL, segments: string[]) => Promise<void>;

/** What one item's answer came to. */
interface Captured {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * Minimal request/response pair for one item, so it runs the same pipeline
 * as a request of its own: auth, its own fault decision (a 429 with its
 * own Retry-After), permission, route and log.
 */
function itemPair(outer: IncomingMessage, method: string, path: string, headers: Record<string, string>, body: unknown): { req: IncomingMessage; res: ServerResponse; done: Promise<Captured> } {
  const text = body === undefined ? "" : JSON.stringify(body);
  const stream = Readable.from(text ? [Buffer.from(text)] : []);
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const reqHeaders: Record<string, string | undefined> = { ...lower, authorization: outer.headers.authorization, "content-type": "application/json" };
  let resolve!: (c: Captured) => void;
  const done = new Promise<Captured>((r) => (resolve = r));
  const captured: Captured = { status: 200, headers: {}, text: "" };
  const socket = { destroy: () => resolve({ status: 0, headers: {}, text: "" }) };
  const req = Object.assign(stream, { method, url: path, headers: reqHeaders, socket });
  const res = {
    statusCode: 200,
    setHeader(k: string, v: string) {
      captured.headers[k.toLowerCase()] = String(v);
    },
    writeHead(status: number, h: Record<string, string> = {}) {
      this.statusCode = status;
      for (const [k, v] of Object.entries(h)) captured.headers[k.toLowerCase()] = String(v);
    },
    write(chunk: string | Buffer) {
      captured.text += chunk.toString();
      return true;
    },
    end(chunk?: string | Buffer) {
      if (chunk) captured.text += chunk.toString();
      captured.status = this.statusCode;
      resolve(captured);
    },
  };
  return { req: req as unknown as IncomingMessage, res: res as unknown as ServerResponse, done };
}

function segmentsOf(pathname: string): string[] | undefined {
  if (!pathname.startsWith("/v1.0/")) return undefined;
  try {
    return pathname.slice(6).split("/").filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** POST /v1.0/$batch (json-batching.md): each item answered on its own; responses in no fixed order. */
export async function handleBatch(call: ApiCall, run: ItemRunner): Promise<void> {
  let raw: unknown;
  try {
    const chunks: Buffer[] = [];
    for await (const c of call.req) chunks.push(c as Buffer);
    raw = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch {
    return call.fail(400, "BadRequest", "Invalid batch payload format.");
  }
  const parsed = batchSchema.safeParse(raw);
  if (!parsed.success) return call.fail(400, "BadRequest", "Invalid batch payload format.");
  const { requests } = parsed.data;
  if (requests.length > MAX_BATCH) return call.fail(400, "BadRequest", `The number of requests in the batch exceeds the limit of ${MAX_BATCH}.`);
  if (new Set(requests.map((r) => r.id)).size !== requests.length) return call.fail(400, "BadRequest", "Batch request IDs must be unique.");
  const responses: Array<Record<string, unknown>> = [];
  for (const item of requests) {
    const rel = item.url.startsWith("/") ? item.url : `/${item.url}`;
    const url = new URL(`${call.env.baseUrl}/v1.0${rel}`);
    const segments = segmentsOf(url.pathname);
    if (!segments) {
      responses.push({ id: item.id, status: 400, body: { error: { code: "BadRequest", message: "Invalid request URL." } } });
      continue;
    }
    const { req, res, done } = itemPair(call.req, item.method, `${url.pathname}${url.search}`, item.headers ?? {}, item.body);
    await run(req, res, url, segments);
    const c = await done;
    if (c.status === 0) {
      // A dropped connection inside a batch surfaces as the item's 503.
      responses.push({ id: item.id, status: 503, headers: { "Retry-After": "1" }, body: { error: { code: "serviceNotAvailable", message: "Service unavailable. Try again later." } } });
      continue;
    }
    const headers: Record<string, string> = {};
    if (c.headers["retry-after"]) headers["Retry-After"] = c.headers["retry-after"];
    if (c.headers["content-type"]) headers["Content-Type"] = c.headers["content-type"];
    responses.push({ id: item.id, status: c.status, headers, ...(c.text ? { body: JSON.parse(c.text) as unknown } : {}) });
  }
  // json-batching.md: "responses might appear in a different order than the requests".
  responses.reverse();
  call.ok({ responses });
}
