import "../../packages/local-host/src/worker/core.js";
import { ClientSecretCredential } from "@azure/identity";
import { request } from "node:http";
import { inject } from "vitest";
import type { DurableBackend } from "../../packages/local-host/src/durable/index.js";
import { startLocalHost } from "../../packages/local-host/src/host/host.js";
import { loadApp } from "../../packages/local-host/src/host/load.js";
import { setLogSink } from "../../packages/local-host/src/worker/core.js";
import { getServices, type Services } from "../../src/services.js";
import { PROJECT_ROOT } from "./processes.js";
import { serviceEnv } from "./services.js";

export interface TestApi {
  readonly baseUrl: string;
  /** The host's function key; call() sends it, a raw request must too. */
  readonly functionKey: string;
  readonly services: Services;
  readonly durable: DurableBackend;
  readonly admin: string;
  readonly reader: string;
  /** Every log line the API and its activities wrote. */
  readonly logs: string[];
  /** Fires a registered timer function once, as its schedule would. */
  fireTimer(name: string): Promise<void>;
  call(method: string, path: string, opts?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<Response>;
  stop(): Promise<void>;
}

export async function apiToken(role: "admin" | "reader"): Promise<string> {
  const sim = inject("sim");
  const app = sim.service[role];
  const cred = new ClientSecretCredential(sim.service.tenantId, app.clientId, app.clientSecret, { authorityHost: sim.authorityHost, disableInstanceDiscovery: true });
  return (await cred.getToken(`${sim.service.apiAudience}/.default`)).token;
}

/** A token signed by the simulated Entra with chosen claims (for the authorization matrix). */
export async function mintToken(o: { audience?: string; roles?: string[]; ttlSeconds?: number; overrides?: Record<string, unknown> }): Promise<string> {
  const sim = inject("sim");
  const res = await fetch(`${sim.authorityHost}/_sim/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenantId: sim.service.tenantId, audience: o.audience ?? sim.service.apiAudience, appId: sim.service.admin.clientId, roles: o.roles ?? ["Sync.Admin"], ttlSeconds: o.ttlSeconds, overrides: o.overrides }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * The portal API as the local host serves it: the app's entry points
 * (package.json main) loaded through the worker contract, every request
 * through its registered HTTP function with the function key, the
 * orchestrations on the local Durable backend. Once per test file (each runs
 * in a process of its own): the app's services are the process's.
 */
let firstEnv: string | undefined;

export async function startApi(env: Record<string, string> = {}): Promise<TestApi> {
  // The services (and their config) are the process's: other settings would be silently ignored.
  const asked = JSON.stringify(env);
  if (firstEnv !== undefined && firstEnv !== asked) throw new Error(`startApi(${asked}) after startApi(${firstEnv}): settings apply once per process; use a test file of its own`);
  firstEnv = asked;
  Object.assign(process.env, {
    ...serviceEnv("svc"),
    SYNC_TIMER_SCHEDULE: "0 */5 * * * *",
    ...env,
  });
  const services = getServices();
  await services.ready();
  const logs: string[] = [];
  setLogSink((_level, _category, message) => void logs.push(message));
  const host = await startLocalHost({ functions: await loadApp(PROJECT_ROOT), port: env.LOCAL_API_PORT ? Number(env.LOCAL_API_PORT) : 0, timers: false, timerScale: env.LOCAL_TIMER_SCALE ? Number(env.LOCAL_TIMER_SCALE) : 0.0001, log: (_l, msg) => logs.push(msg) });
  const durable = host.backend;
  const [admin, reader] = await Promise.all([apiToken("admin"), apiToken("reader")]);
  return {
    baseUrl: host.apiBaseUrl,
    functionKey: host.functionKey,
    services,
    durable,
    admin,
    reader,
    logs,
    call(method, path, opts = {}) {
      const token = opts.token === undefined ? admin : opts.token;
      const headers: Record<string, string> = { "x-functions-key": host.functionKey, ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers };
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers["content-type"] = "application/json";
      }
      return fetch(`${host.apiBaseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    },
    fireTimer: (name) => host.timers.fire(name),
    stop: () => host.stop(),
  };
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** Bytes of the body written before the answer's headers arrived. */
  readonly sentBeforeAnswer: number;
  readonly ms: number;
}

/** A request over node:http, so the Host header and a long chunked body are the test's to choose. */
export function raw(api: Pick<TestApi, "baseUrl" | "functionKey">, method: string, path: string, o: { headers?: Record<string, string>; streamBytes?: number } = {}): Promise<RawAnswer> {
  const base = api.baseUrl;
  const u = new URL(base);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let sentBeforeAnswer = 0;
    // node:http frames a GET's body only when told to: chunked, as a client sending one would.
    // The function key, as every caller of a function-level route sends it (call() does too).
    const headers = { "x-functions-key": api.functionKey, ...o.headers, ...(o.streamBytes !== undefined ? { "transfer-encoding": "chunked" } : {}) };
    const req = request({ host: u.hostname, port: u.port, method, path: `/api${path}`, headers }, (res) => {
      answered = true;
      sentBeforeAnswer = sent;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8"), sentBeforeAnswer, ms: Date.now() - t0 }));
      res.on("error", reject);
    });
    // The server may close while the body is still going: that is the point, not a failure.
    req.on("error", (err) => (answered ? undefined : reject(err)));
    if (o.streamBytes === undefined) {
      req.end();
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 0x7a);
    const pump = () => {
      while (!answered && sent < (o.streamBytes ?? 0)) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
