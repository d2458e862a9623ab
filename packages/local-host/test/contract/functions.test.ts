/**
 * The Azure adapter layer (functions/*.ts, src/api/azure-handler.ts,
 * src/orchestration/durable-client.ts) as the local host runs it: the entry
 * points that package.json main names, loaded through the worker contract,
 * every request through a registered function.
 */
import "../../src/worker/core.js";
import { request } from "node:http";
import functions from "@azure/functions";
import df, { type DurableClient, type OrchestrationContext } from "durable-functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes } from "../../../../src/api/routes.js";
import { startLocalHost, type LocalHost } from "../../src/host/host.js";
import { loadApp } from "../../src/host/load.js";
import { instanceIdOf } from "../../../../src/orchestration/contract.js";
import { fromDurableClient } from "../../../../src/orchestration/durable-client.js";
import { getServices } from "../../../../src/services.js";
import { apiToken } from "../../../../test/support/api.js";
import { PROJECT_ROOT } from "../../../../test/support/processes.js";
import { serviceEnv } from "../../../../test/support/services.js";
import { registeredTenant } from "../../../../test/support/tenants.js";

const SAMPLE = "6f1c1d2e-0000-4000-8000-00000000abcd";
const invoked: string[] = [];
let host: LocalHost;
let client: DurableClient | undefined;
let admin: string;

beforeAll(async () => {
  Object.assign(process.env, {
    ...serviceEnv("fn"),
    SYNC_TIMER_SCHEDULE: "0 */7 * * * *",
  });
  await getServices().ready();
  const registry = await loadApp(PROJECT_ROOT);
  // Test-only functions, registered the app's way beside the entry points'.
  functions.app.hook.preInvocation((c) => void invoked.push(c.invocationContext.functionName));
  functions.app.http("testCaptureClient", {
    route: "_test/client",
    authLevel: "anonymous",
    extraInputs: [df.input.durableClient()],
    handler: (_req, ctx) => {
      client = df.getClient(ctx);
      return { status: 204 };
    },
  });
  df.app.orchestration("testWaiter", function* (ctx: OrchestrationContext) {
    const v: unknown = yield ctx.df.waitForExternalEvent("go");
    return v;
  });
  host = await startLocalHost({ functions: registry, port: 0, timers: false, maxRequestBytes: 1 << 20, log: () => {} });
  admin = await apiToken("admin");
});
afterAll(async () => {
  await host?.stop();
});

const pathOf = (template: string): string => template.replace(/\{type\}/g, "users").replace(/\{\w+\}/g, SAMPLE);

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const res = await fetch(`${host.apiBaseUrl}/${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") ?? "" };
}

describe("the HTTP functions that functions/http.ts registers", () => {
  it("registers one HTTP function per route, with its method, template and auth level", () => {
    for (const r of routes) {
      const fn = host.http.find((f) => f.name === r.name);
      expect(fn, r.name).toBeDefined();
      expect(fn).toMatchObject({ methods: [r.method], template: `/api/${r.path}`, authLevel: r.access === "anonymous" ? "anonymous" : "function" });
    }
  });

  it.each(routes.map((r) => [r.method, r.path, r] as const))("%s %s: the host checks the function key, then the registered function answers", async (method, path, r) => {
    const p = pathOf(path);
    if (r.access !== "anonymous") {
      // The host's own 401: no body, and the function never runs.
      const before = invoked.length;
      expect(await call(method, p)).toMatchObject({ status: 401, text: "" });
      expect(await call(method, p, { "x-functions-key": "wrong" })).toMatchObject({ status: 401, text: "" });
      expect(await call(method, `${p}?code=wrong`)).toMatchObject({ status: 401, text: "" });
      expect(invoked.length).toBe(before);
      // With the key but no bearer token, the function itself refuses, in the API's error shape.
      const noToken = await call(method, p, { "x-functions-key": host.functionKey });
      expect(noToken.status).toBe(401);
      expect(JSON.parse(noToken.text)).toMatchObject({ error: { code: "Unauthorized" } });
    }
    invoked.length = 0;
    const body = method === "POST" || method === "PATCH" || method === "PUT" ? "{}" : undefined;
    const headers = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
    const res = await call(method, `${p}?code=${encodeURIComponent(host.functionKey)}`, headers, body);
    expect(invoked).toEqual([r.name]);
    expect(res.status, res.text).toBeLessThan(500);
    expect(res.status).not.toBe(401);
  });

  it("answers GET /health at once and closes, never reading a body streamed at it", async () => {
    // The attack in issue 20: a chunked body without end sent to an anonymous GET route.
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${host.apiBaseUrl}/health`, { method: "GET", headers: { "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", () => {});
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = (): void => {
        while (sent < 16_384 && req.write(chunk)) sent++;
        if (sent < 16_384) req.once("drain", pump);
        else reject(new Error("1 GiB sent without an answer"));
      };
      pump();
    });
    expect(status).toBe(200);
    expect(sent).toBeLessThan(16_384);
  });

  it("refuses a registration once the app has started, as the worker does", () => {
    expect(() => functions.app.http("lateFunction", { route: "late", handler: () => ({ status: 200 }) })).toThrow(/during app startup/);
  });

  it("answers 404 with no body for an unknown route or a method no function takes, as the host does", async () => {
    expect(await call("GET", "no-such-route")).toMatchObject({ status: 404, text: "" });
    expect(await call("PUT", "health")).toMatchObject({ status: 404, text: "" });
  });

  it("refuses a body over the limit with 413, declared or streamed, and reads none before the key", async () => {
    const big = "x".repeat((1 << 20) + 1);
    const key = { "x-functions-key": host.functionKey, authorization: `Bearer ${admin}`, "content-type": "application/json" };
    expect((await call("POST", "tenants", key, big)).status).toBe(413);
    // Chunked, without a length: refused once past the limit, long before the stream ends.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${host.apiBaseUrl}/tenants`, { method: "POST", headers: key }, (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      const chunk = Buffer.alloc(64 * 1024, 120);
      let sent = 0;
      const pump = (): void => {
        while (sent < 64 && req.write(chunk)) sent++;
        if (sent < 64) req.once("drain", pump);
      };
      pump();
    });
    expect(status).toBe(413);
    // No key: 401 at once, without waiting for a body that is never sent.
    const unauth = await new Promise<number>((resolve, reject) => {
      const req = request(`${host.apiBaseUrl}/tenants`, { method: "POST", headers: { "content-length": String(1 << 19) } }, (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.write("partial");
    });
    expect(unauth).toBe(401);
  });
});

describe("the timers that functions/ registers", () => {
  it("resolves %SYNC_TIMER_SCHEDULE% from the app settings", () => {
    expect(host.timers.schedules.get("syncTimer")).toBe("0 */7 * * * *");
    expect(host.timers.schedules.get("credentialExpiryTimer")).toBe("0 0 6 * * *");
  });

  it("a tick of syncTimer, through its registration and the durableClient binding, starts a run for a due tenant", async () => {
    const services = getServices();
    const { tenant } = await registeredTenant(services);
    await services.tenants.update(tenant.id, (t) => ({ ...t, nextRunAt: new Date(Date.now() - 1000).toISOString() }));
    await host.timers.fire("syncTimer");
    expect(invoked).toContain("syncTimer");
    const s = await host.backend.waitFor(instanceIdOf(tenant.id), 60_000);
    expect(s.runtimeStatus).toBe("Completed");
    expect(s.input).toMatchObject({ tenantId: tenant.id, trigger: "schedule" });
  });
});

describe("fromDurableClient on the real DurableClient, against the local Durable HTTP API", () => {
  it("gets the client from the durableClient binding the host supplies", async () => {
    expect((await call("GET", "_test/client")).status).toBe(204);
    expect(client).toBeDefined();
  });

  it("reports a missing instance as undefined", async () => {
    expect(await fromDurableClient(client!).getStatus("no-such-instance")).toBeUndefined();
  });

  it("refuses startNew over an active instance, and purges a finished one", async () => {
    const oc = fromDurableClient(client!);
    const id = `waiter-${Date.now()}`;
    const input = { tenantId: "t", runId: "r", trigger: "manual", mode: "live" } as const;
    await expect(oc.startNew("testWaiter", { instanceId: id, input })).resolves.toBe(id);
    expect((await oc.getStatus(id))?.runtimeStatus).toMatch(/^(Pending|Running)$/);
    await expect(oc.startNew("testWaiter", { instanceId: id, input })).rejects.toThrow(/409.*already exists/);
    await expect(oc.purge!(id)).rejects.toThrow(/412/);
    await client!.raiseEvent(id, "go", { ok: 1 });
    expect(await host.backend.waitFor(id, 5000)).toMatchObject({ runtimeStatus: "Completed", output: { ok: 1 } });
    await oc.purge!(id);
    expect(await oc.getStatus(id)).toBeUndefined();
  });

  it("serves the public webhook only with the extension's system key", async () => {
    const url = `${host.origin}/runtime/webhooks/durabletask/instances/no-such-instance`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${url}?code=${encodeURIComponent(host.durableTaskKey)}`)).status).toBe(404);
  });
});
