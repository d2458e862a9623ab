/**
 * The local Functions host: serves the app's registered HTTP functions and
 * the Durable HTTP API, fires its registered timers, and runs its
 * orchestrations and activities on the local Durable backend, every
 * invocation through the worker contract (../worker).
 */
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DurableBackend, type InstanceStatus, type LogLevel } from "../durable/backend.js";
import { clientBinding, handleDurableApi, TASK_HUB, WEBHOOK_PATH } from "../durable/http-api.js";
import { workerCapabilities } from "../worker/capabilities.js";
import type { FunctionRegistry } from "../worker/core.js";
import { invokeFunction } from "../worker/invoke.js";
import type { RpcHttpData, RpcHttpResponse, RpcParameterBinding } from "../worker/types.js";
import { BodyTooLargeError, drainThenClose, readBody } from "./body.js";
import { applyCors } from "./cors.js";
import { ForwardedBodyTooLargeError, forwardToWorker, httpTriggerMetadata, isValidHost } from "./proxy.js";
import { route, httpFunctions, type HttpFunction } from "./routes.js";
import { startTimers, type Timers } from "./timers.js";

/**
 * The Functions host's request limit: "The HTTP request length is limited to
 * 100 MB (104,857,600 bytes)" (MicrosoftDocs/azure-docs,
 * articles/azure-functions/functions-bindings-http-webhook-trigger.md, Limits).
 */
export const HOST_MAX_REQUEST_BYTES = 104_857_600;

export interface LocalHostOptions {
  readonly functions: FunctionRegistry;
  readonly port: number;
  /** host.json extensions.http.routePrefix. */
  readonly routePrefix?: string;
  /** The host key accepted for function-level functions (generated when not given). */
  readonly functionKey?: string;
  /** The durabletask_extension system key the public Durable webhooks require (generated when not given). */
  readonly durableTaskKey?: string;
  /** Request bodies above this are refused with 413 (at most HOST_MAX_REQUEST_BYTES). */
  readonly maxRequestBytes?: number;
  /** Fire the registered timers (default true). */
  readonly timers?: boolean;
  readonly timerScale?: number;
  readonly maxConcurrentActivities?: number;
  readonly log: (level: LogLevel, msg: string) => void;
  readonly onFinished?: (status: InstanceStatus) => void;
  /** Origins allowed to call the API from a browser (Host.CORS); none by default. */
  readonly corsOrigins?: readonly string[];
}

export interface LocalHost {
  readonly origin: string;
  readonly apiBaseUrl: string;
  readonly functionKey: string;
  readonly durableTaskKey: string;
  readonly backend: DurableBackend;
  readonly timers: Timers;
  readonly http: readonly HttpFunction[];
  stop(): Promise<void>;
}

const keyMatches = (given: string | null | undefined, key: string): boolean => {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Answers; a body left unread is drained and discarded (never kept), as Kestrel does. */
function answer(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string> = {}, body?: Buffer | string): void {
  res.writeHead(status, headers);
  res.end(body, () => drainThenClose(req));
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function startLocalHost(opts: LocalHostOptions): Promise<LocalHost> {
  const functionKey = opts.functionKey ?? randomBytes(32).toString("base64url");
  const durableTaskKey = opts.durableTaskKey ?? randomBytes(32).toString("base64url");
  const maxBytes = Math.min(opts.maxRequestBytes ?? HOST_MAX_REQUEST_BYTES, HOST_MAX_REQUEST_BYTES);
  const prefix = opts.routePrefix ?? "api";
  opts.functions.seal();
  // WorkerInit: a worker that reports HttpUri gets its HTTP invocations through its proxy
  // (azure-functions-host, GrpcWorkerChannel: IsHttpProxyingWorker).
  const httpUri = (await workerCapabilities()).HttpUri;
  const http = httpFunctions(opts.functions, prefix);
  const backend = new DurableBackend({
    functions: opts.functions,
    log: opts.log,
    timerScale: opts.timerScale,
    maxConcurrentActivities: opts.maxConcurrentActivities,
    onFinished: opts.onFinished,
    // Declared below; called only once activities run.
    extraInputs: (name) => extraInputs(name),
  });

  const server = createServer();
  const rpc = createServer();
  const [port, rpcPort] = await Promise.all([listen(server, opts.port), listen(rpc, 0)]);
  const origin = `http://localhost:${port}`;
  const publicBase = `${origin}${WEBHOOK_PATH}`;
  const query = `taskHub=${TASK_HUB}&connection=Storage&code=${encodeURIComponent(durableTaskKey)}`;
  // The extension's local RPC endpoint (LocalHttpListener: loopback, its own port, path /durabletask/, no key).
  const rpcBaseUrl = `http://127.0.0.1:${rpcPort}/durabletask/`;
  const durableClientData = JSON.stringify(clientBinding(publicBase, query, rpcBaseUrl));

  /** Inputs for every non-trigger binding the host supplies (here: durableClient). */
  const extraInputs = (fnName: string): RpcParameterBinding[] => {
    const reg = opts.functions.get(fnName);
    return Object.entries(reg?.metadata.bindings ?? {}).flatMap(([name, b]) =>
      b.direction === "in" && (b.type === "durableClient" || b.type === "orchestrationClient") ? [{ name, data: { string: durableClientData } }] : [],
    );
  };

  const serveDurable = async (req: IncomingMessage, res: ServerResponse, url: URL, relPath: string): Promise<void> => {
    const body = req.method === "POST" ? await readBody(req, maxBytes) : Buffer.alloc(0);
    const r = await handleDurableApi(backend, { publicBase, query }, req.method ?? "GET", relPath, url.searchParams, body);
    const json = r.body === undefined ? undefined : JSON.stringify(r.body);
    answer(req, res, r.status, { ...(json ? { "content-type": "application/json; charset=utf-8" } : {}), ...r.headers }, json);
  };

  const serveFunction = async (req: IncomingMessage, res: ServerResponse, url: URL, fn: HttpFunction, params: Record<string, string>): Promise<void> => {
    const method = req.method ?? "GET";
    const headers = Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(", ") : v]])));
    const query = Object.fromEntries(url.searchParams);
    const invocationId = randomUUID();
    const inputs = (http: RpcHttpData): RpcParameterBinding[] => [{ name: fn.triggerName, data: { http } }, ...extraInputs(fn.name)];
    const failed = (err: unknown): void => {
      // The host answers a failed invocation with a bare 500; the exception goes to the log only.
      opts.log("error", `function ${fn.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) answer(req, res, 500);
    };
    if (httpUri) {
      // Streaming: the RPC invocation carries no body; the request itself goes to the worker's
      // proxy, correlated by invocation ID, and its response comes back the same way.
      const forwarding = forwardToWorker(httpUri, invocationId, req, res, maxBytes);
      const invocation = invokeFunction(opts.functions, fn.name, inputs({ method, url: url.toString(), headers, query, params }), httpTriggerMetadata(headers, query, params), invocationId);
      try {
        await Promise.all([invocation, forwarding.done]);
      } catch (err) {
        forwarding.abort();
        if (err instanceof ForwardedBodyTooLargeError) throw new BodyTooLargeError();
        failed(err);
      }
      return;
    }
    // Buffered: GET and HEAD carry no body to the function (the library drops it), so none is read.
    const body = method === "GET" || method === "HEAD" ? Buffer.alloc(0) : await readBody(req, maxBytes);
    const http: RpcHttpData = { method, url: url.toString(), headers, query, params, ...(body.length > 0 ? { body: { bytes: body } } : {}) };
    let out: RpcHttpResponse | undefined;
    try {
      const response = await invokeFunction(opts.functions, fn.name, inputs(http), {}, invocationId);
      out = response.returnValue?.http as RpcHttpResponse | undefined;
    } catch (err) {
      failed(err);
      return;
    }
    const b = out?.body;
    const bytes = b?.bytes ? Buffer.from(b.bytes) : typeof b?.string === "string" ? Buffer.from(b.string) : undefined;
    answer(req, res, Number(out?.statusCode ?? 204), out?.headers ?? {}, bytes);
  };

  const handle = (internal: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      // Kestrel refuses an invalid Host with a bare 400 before any routing (see isValidHost).
      if (!internal && !isValidHost(req.headers.host)) return answer(req, res, 400);
      let url: URL;
      try {
        url = new URL(req.url ?? "/", origin);
      } catch {
        answer(req, res, 400);
        return;
      }
      if (internal) {
        if (!url.pathname.startsWith("/durabletask/")) return answer(req, res, 404);
        return serveDurable(req, res, url, url.pathname.slice("/durabletask/".length));
      }
      if (applyCors(opts.corsOrigins ?? [], req, res)) return;
      if (url.pathname.startsWith(`${WEBHOOK_PATH}/`)) {
        // System webhooks take the extension's system key in `code` (durable-functions-http-api.md).
        if (!keyMatches(url.searchParams.get("code"), durableTaskKey)) return answer(req, res, 401);
        return serveDurable(req, res, url, url.pathname.slice(WEBHOOK_PATH.length + 1));
      }
      const match = route(http, req.method ?? "GET", url.pathname);
      if (!match) return answer(req, res, 404);
      if (match.fn.authLevel !== "anonymous") {
        // The key is checked before any body is read: header x-functions-key or query `code`
        // (functions-bindings-http-webhook-trigger.md, "API key authorization"). Admin level
        // takes only the master key, which the local host does not issue.
        const given = req.headers["x-functions-key"] ?? url.searchParams.get("code");
        if (match.fn.authLevel === "admin" || !keyMatches(Array.isArray(given) ? given[0] : given, functionKey)) return answer(req, res, 401);
      }
      // Kestrel leaves an invalid percent-encoding as it is (UrlDecoder), so the function gets it raw.
      const decode = (v: string): string => {
        try {
          return decodeURIComponent(v);
        } catch {
          return v;
        }
      };
      const params = Object.fromEntries(Object.entries(match.params).map(([k, v]) => [k, decode(v)]));
      return serveFunction(req, res, url, match.fn, params);
    })().catch((err: unknown) => {
      if (err instanceof BodyTooLargeError) {
        if (!res.headersSent) answer(req, res, 413);
        return;
      }
      opts.log("error", `local host failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) answer(req, res, 500);
      else res.destroy();
    });
  };
  server.on("request", handle(false));
  rpc.on("request", handle(true));

  const timers = startTimers(opts.functions, extraInputs, opts.log, opts.timers ?? true);
  const close = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  return {
    origin,
    apiBaseUrl: `${origin}/${prefix}`,
    functionKey,
    durableTaskKey,
    backend,
    timers,
    http,
    async stop() {
      timers.stop();
      await Promise.all([close(server), close(rpc)]);
      // Streams checkpoint after every page: an activity cut short loses nothing, so wait a little, not for it.
      await Promise.race([backend.stop(), new Promise((r) => setTimeout(r, 5_000))]);
    },
  };
}
