import functions, { type LogHandler } from "@azure/functions";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { errorBody } from "../../src/api/errors.js";
import type { RawHandler, Route } from "../../src/api/route.js";

// The package is CommonJS: named imports fail under ESM, the default import works (FACTS).
const { HttpRequest, HttpResponse, InvocationContext } = functions;

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly handler: RawHandler;
}

function compile(route: Route, handlerOf: (r: Route) => RawHandler): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((seg) =>
      seg.replace(/\{(\w+)\}|[^{}]+/g, (m, name: string | undefined) => {
        if (name) {
          names.push(name);
          return "([^/]+)";
        }
        return m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }),
    )
    .join("/");
  return { route, pattern: new RegExp(`^/api/${source}$`), names, handler: handlerOf(route) };
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface HttpHost {
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/**
 * Test only: serves the route table straight through dispatch, over
 * per-test services, for the handler tests in test/api. The app itself is
 * served only through its registered HTTP functions (src/local/host); the
 * adapter layer is covered by test/contract/functions.test.ts.
 */
export async function serveRoutes(routes: readonly Route[], port: number, log: LogHandler, handlerOf: (r: Route) => RawHandler): Promise<HttpHost> {
  const compiled = routes.map((r) => compile(r, handlerOf));
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
      const candidates = compiled.filter((c) => c.pattern.test(url.pathname));
      const match = candidates.find((c) => c.route.method === req.method);
      if (!match) {
        const status = candidates.length > 0 ? 405 : 404;
        const body = JSON.stringify(errorBody(status === 405 ? "MethodNotAllowed" : "NotFound", `No route for ${req.method} ${url.pathname}`));
        res.writeHead(status, { "content-type": "application/json" }).end(body);
        return;
      }
      const values = match.pattern.exec(url.pathname)?.slice(1) ?? [];
      let params: Record<string, string>;
      try {
        params = Object.fromEntries(match.names.map((n, i) => [n, decodeURIComponent(values[i] ?? "")]));
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify(errorBody("InvalidPath", "The path holds a malformed percent-encoding.")));
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(", ") : v]])),
      );
      const body = await bodyOf(req);
      const request = new HttpRequest({
        method: req.method ?? "GET",
        url: url.toString(),
        headers,
        params,
        ...(body.length > 0 ? { body: { bytes: body } } : {}),
      });
      const ctx = new InvocationContext({ functionName: match.route.name, logHandler: log });
      const response = new HttpResponse(await match.handler(request, ctx));
      const outHeaders: Record<string, string> = {};
      response.headers.forEach((v, k) => (outHeaders[k] = v));
      res.writeHead(response.status, outHeaders);
      if (response.body) Readable.fromWeb(response.body as unknown as WebReadableStream).pipe(res);
      else res.end();
    })().catch((err: unknown) => {
      log("error", "local host failed", err instanceof Error ? err.message : String(err));
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify(errorBody("InternalError", "The local host failed to handle the request.")));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    baseUrl: `http://localhost:${actual}/api`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
