/**
 * The counting Table service as its own process, so that its CPU and memory
 * are not charged to the measured sync (the worker reaches it with the real
 * TableClient over HTTP, its pipeline as in production). Started by
 * bench/run.ts with an IPC channel; answers `{ port }` once listening on
 * 127.0.0.1. Every request except the /_bench control routes is answered by
 * FakeTableService, which speaks the Table REST protocol (entity `$batch`
 * multipart, `$filter` queries with continuation headers, upsert and merge,
 * ETags) and counts transactions and entities.
 *
 * Control routes (open; the bench's own):
 * - POST /_bench/configure `{ index, latencyMs }`: a fresh service (all rows and counts dropped);
 * - GET /_bench/counts: the TableCounts since configure;
 * - GET /_bench/keys: keys the "keys" tables hold.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { FakeTableService } from "./table-transport.js";
import { fakeKind, roleOf } from "./table-kinds.js";

let fake = new FakeTableService(fakeKind(false), roleOf);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method === "POST" && path === "/_bench/configure") {
    const o = JSON.parse((await readBody(req)) || "{}") as { index?: boolean; latencyMs?: number };
    fake = new FakeTableService(fakeKind(o.index === true), roleOf, o.latencyMs ?? 0);
    return json(res, 200, { ok: true });
  }
  if (req.method === "GET" && path === "/_bench/counts") return json(res, 200, fake.counts);
  if (req.method === "GET" && path === "/_bench/keys") return json(res, 200, { keys: fake.keyCount });
  json(res, 404, { error: { code: "NotFound", message: `no control route ${req.method ?? ""} ${path}` } });
}

async function handle(req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
  const url = `http://127.0.0.1:${port}${req.url ?? "/"}`;
  const path = new URL(url).pathname;
  if (path.startsWith("/_bench/")) return control(req, res, path);
  const headers = createHttpHeaders();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const body = await readBody(req);
  const preq = createPipelineRequest({ url, method: (req.method ?? "GET") as "GET", headers, body });
  const answer = await fake.sendRequest(preq);
  const text = answer.bodyAsText ?? "";
  const out: Record<string, string> = { "content-length": String(Buffer.byteLength(text)) };
  for (const [k, v] of answer.headers) out[k] = v;
  res.writeHead(answer.status, out);
  res.end(text);
}

const server = createServer((req, res) => {
  const port = (server.address() as AddressInfo).port;
  handle(req, res, port).catch((err: unknown) => {
    process.stderr.write(`table server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    if (!res.headersSent) json(res, 500, { "odata.error": { code: "InternalError", message: { lang: "en-US", value: "table server failure" } } });
    else res.destroy();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const port = (server.address() as AddressInfo).port;
  if (process.send) process.send({ port });
  else process.stdout.write(`table server on http://127.0.0.1:${port}\n`);
});
process.on("disconnect", () => server.close(() => process.exit(0)));
