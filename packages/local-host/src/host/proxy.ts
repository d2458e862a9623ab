import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { Transform } from "node:stream";
import type { RpcTypedData } from "../worker/types.js";
import { drainThenClose } from "./body.js";

/** Hop-by-hop headers a forwarding proxy drops (RFC 9110 §7.6.1; YARP's forwarder does so). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection"]);

const forwardable = (headers: IncomingHttpHeaders): Record<string, string | string[]> => {
  const named = new Set(String(headers.connection ?? "").split(",").map((h) => h.trim().toLowerCase()));
  return Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (v === undefined || HOP_BY_HOP.has(k) || named.has(k) || k === "host" ? [] : [[k, v]])));
};

/**
 * The trigger metadata the host sends an HTTP invocation of a proxying
 * worker: `Headers` and `Query` as JSON, and each route parameter as a string.
 * `@azure/functions` builds the streamed request's headers and params from
 * exactly these (azure-functions-nodejs-library, src/http/HttpRequest.ts,
 * createStreamRequest; azure-functions-host issue #9840).
 */
export function httpTriggerMetadata(headers: Record<string, string>, query: Record<string, string>, params: Record<string, string>): Record<string, RpcTypedData> {
  return {
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { string: v }])),
    Headers: { json: JSON.stringify(headers) },
    Query: { json: JSON.stringify(query) },
  };
}

/**
 * A kept-alive connection of its own per forwarded request. With
 * `Connection: close` a Node server that answers before the body is read closes
 * the socket over unread bytes (a TCP reset that can overtake the answer;
 * node lib/_http_server.js, resOnFinish); reused, a connection would carry the
 * unread rest of an earlier body into the next request. So: kept alive, never
 * reused, destroyed once the answer is relayed.
 */
const oneUseAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 1 });

export class ForwardedBodyTooLargeError extends Error {}

export interface Forwarding {
  /** Settles when the worker's answer has been relayed to the caller (or the forwarding failed). */
  readonly done: Promise<void>;
  /** The invocation failed: drop the forwarded request. */
  abort(): void;
}

/**
 * Forwards a caller's request to the worker's HTTP proxy (its `HttpUri`
 * capability), as the host's DefaultHttpProxyService does with YARP
 * (azure-functions-host, src/WebJobs.Script.Grpc/Server/DefaultHttpProxyService.cs):
 * the invocation ID in `x-ms-invocation-id` correlates it with the RPC
 * invocation; `x-forwarded-host` and `x-forwarded-proto` carry the caller's
 * Host and scheme, from which the library builds `request.url`. The body is
 * streamed with backpressure, never buffered: the function reads what it
 * reads. Past `maxBytes` the forwarding fails (Kestrel's MaxRequestBodySize,
 * 100 MB on the Functions host). The worker's response is relayed as it
 * comes; if the caller's body is still unsent then, the host stops reading
 * it and closes the connection.
 */
export function forwardToWorker(httpUri: string, invocationId: string, req: IncomingMessage, res: ServerResponse, maxBytes: number): Forwarding {
  const target = new URL(req.url ?? "/", httpUri);
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      if (sent > maxBytes) cb(new ForwardedBodyTooLargeError());
      else cb(null, chunk);
    },
  });
  const length = req.headers["content-length"];
  // A GET or HEAD body is not forwarded: the library never reads one (createStreamRequest sets no
  // body for them), so it would only fill buffers up to the request limit.
  const bodyless = req.method === "GET" || req.method === "HEAD";
  const hasBody = !bodyless && (req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0"));
  // A body of unknown length is forwarded chunked whatever the method (Node frames a GET's body only when told).
  const framing = hasBody && length === undefined ? { "transfer-encoding": "chunked" } : {};
  const agent = oneUseAgent();
  const out = request(target, {
    method: req.method,
    agent,
    headers: { ...forwardable(bodyless ? { ...req.headers, "content-length": undefined } : req.headers), ...framing, "x-ms-invocation-id": invocationId, "x-forwarded-host": req.headers.host ?? "", "x-forwarded-proto": "http" },
  });
  const done = new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      req.unpipe(counter);
      out.destroy();
      agent.destroy();
      reject(err);
    };
    counter.on("error", fail);
    out.on("error", (err) => (res.headersSent ? resolve() : fail(err)));
    out.on("response", (answer) => {
      req.unpipe(counter);
      counter.unpipe(out);
      const headers = Object.fromEntries(Object.entries(answer.headers).flatMap(([k, v]) => (v === undefined || HOP_BY_HOP.has(k) ? [] : [[k, v]])));
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
      answer.on("error", () => res.destroy());
      res.on("finish", () => {
        out.destroy();
        agent.destroy();
        drainThenClose(req);
        resolve();
      });
    });
  });
  if (hasBody) req.pipe(counter).pipe(out);
  else out.end();
  return {
    done,
    abort: () => {
      req.unpipe(counter);
      out.destroy();
      agent.destroy();
    },
  };
}

/**
 * Whether a Host header value is one Kestrel accepts: a reg-name or IP
 * literal with an optional port (RFC 9110 §7.2, RFC 3986 §3.2.2). Kestrel
 * refuses any other with 400 before the app sees the request
 * (aspnetcore, src/Servers/Kestrel/Core/src/Internal/Infrastructure/HttpUtilities.cs,
 * IsHostHeaderValid; Http1Connection.ValidateNonOriginHostHeader).
 */
export function isValidHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  return /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/.test(host);
}
