import { ClientSecretCredential } from "@azure/identity";
import { inject } from "vitest";
import { TokenValidator } from "../../src/api/auth.js";
import { dispatch } from "../../src/api/dispatch.js";
import type { ApiDeps } from "../../src/api/route.js";
import { routes } from "../../src/api/routes.js";
import { LocalDurableRuntime } from "../../src/local/durable/index.js";
import { serveRoutes, type HttpHost } from "./route-server.js";
import { activitiesFor, ORCHESTRATORS } from "../../src/orchestration/registry.js";
import type { Services } from "../../src/services.js";
import { testServices } from "./services.js";

export interface TestApi {
  readonly baseUrl: string;
  readonly services: Services;
  readonly durable: LocalDurableRuntime;
  readonly admin: string;
  readonly reader: string;
  /** Every log line the API and its activities wrote. */
  readonly logs: string[];
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

/** The portal API over real HTTP, as the local runtime serves it, on the real replay engine. */
export async function startApi(env: Record<string, string> = {}): Promise<TestApi> {
  const services = await testServices(env);
  const logs: string[] = [];
  const durable = new LocalDurableRuntime({
    orchestrators: { ...ORCHESTRATORS },
    activities: { ...activitiesFor(() => services) },
    timerScale: 0.0001,
    log: (_l, msg) => logs.push(msg),
  });
  const deps: ApiDeps = { services, orchestration: { getStatus: (id) => durable.getStatus(id), startNew: (n, o) => durable.startNew(n, o), purge: async (id) => void (await durable.purge(id)), terminate: (id, reason) => durable.terminate(id, reason) } };
  const tokens = new TokenValidator(services.config.api);
  const host: HttpHost = await serveRoutes(routes, 0, (_level, ...args) => logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")), (r) => dispatch(r, () => deps, () => tokens));
  const [admin, reader] = await Promise.all([apiToken("admin"), apiToken("reader")]);
  return {
    baseUrl: host.baseUrl,
    services,
    durable,
    admin,
    reader,
    logs,
    call(method, path, opts = {}) {
      const token = opts.token === undefined ? admin : opts.token;
      const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers };
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers["content-type"] = "application/json";
      }
      return fetch(`${host.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    },
    async stop() {
      await host.stop();
      await durable.stop();
    },
  };
}
