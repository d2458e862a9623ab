import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FaultInjector } from "../src/graph/faults.js";
import type { RequestRecord } from "../src/graph/requestLog.js";
import { startHarness, type Harness } from "./graph-harness.js";

describe("FaultInjector", () => {
  const urls = Array.from({ length: 40 }, (_, i) => `/v1.0/users/delta?$skiptoken=p${i}`);
  const run = (seed: number, order: readonly string[]) => {
    const f = new FaultInjector();
    f.set({ seed, rate429: 0.2, rate503: 0.1, rateDrop: 0.1 });
    return order.map((u) => `${u}#${f.decide("t1", "GET", u).fault ?? "ok"}`);
  };

  it("decides the same under the same seed, whatever the interleaving", () => {
    const a = run(5, [...urls, ...urls]);
    const shuffled = [...urls, ...urls].map((u, i) => ({ u, k: (i * 7919) % 80 })).sort((x, y) => x.k - y.k);
    const b = run(5, shuffled.map((x) => x.u));
    // Per URL, the n-th request gets the same answer in both orders.
    const perUrl = (list: string[]) => {
      const m = new Map<string, string[]>();
      for (const e of list) {
        const [u, d] = e.split("#") as [string, string];
        m.set(u, [...(m.get(u) ?? []), d]);
      }
      return m;
    };
    expect(perUrl(b)).toEqual(perUrl(a));
    expect(run(5, urls)).toEqual(run(5, urls));
    expect(run(6, urls)).not.toEqual(run(5, urls));
    const faults = a.filter((e) => !e.endsWith("#ok")).length;
    expect(faults).toBeGreaterThan(10);
    expect(faults).toBeLessThan(60);
  });

  it("lets a retried URL through eventually", () => {
    const f = new FaultInjector();
    f.set({ seed: 1, rate429: 0.5 });
    let tries = 0;
    while (f.decide("t1", "GET", "/v1.0/users").fault !== null) tries++;
    expect(tries).toBeLessThan(30);
  });

  it("scopes settings per tenant", () => {
    const f = new FaultInjector();
    f.set({ rate503: 1 }, "t1");
    expect(f.decide("t1", "GET", "/x").fault).toBe("503");
    expect(f.decide("t2", "GET", "/x").fault).toBeNull();
    f.clear("t1");
    expect(f.decide("t1", "GET", "/x").fault).toBeNull();
  });
});

describe("faults over HTTP", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.control("PUT", "/_sim/faults", {});
  });
  afterAll(async () => {
    await h.close();
  });

  it("answers 429 with a fractional Retry-After, and 503", async () => {
    const { auth } = h.tenant({ users: 10, groups: 8 });
    expect((await h.control("PUT", "/_sim/faults", { seed: 1, rate429: 1, retryAfterSeconds: 0.05 })).status).toBe(200);
    const res = await h.graph("/v1.0/users", auth);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("0.05");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("TooManyRequests");
    await h.control("PUT", "/_sim/faults", { rate503: 1 });
    expect((await h.graph("/v1.0/users", auth)).status).toBe(503);
    // Control routes never fault.
    expect((await h.control("GET", "/_sim/faults")).status).toBe(200);
  });

  it("drops the connection without an answer", async () => {
    const { auth } = h.tenant({ users: 10, groups: 8 });
    await h.control("PUT", "/_sim/faults", { rateDrop: 1 });
    await expect(h.graph("/v1.0/users", auth)).rejects.toThrow();
  });

  it("applies per-tenant settings and latency, and logs every request", async () => {
    const a = h.tenant({ users: 10, groups: 8 });
    const b = h.tenant({ users: 10, groups: 8 });
    expect((await h.control("PUT", `/_sim/${a.tenant.tenantId}/faults`, { rate429: 1, latencyMs: 40 })).status).toBe(200);
    expect((await h.graph("/v1.0/users", a.auth)).status).toBe(429);
    expect((await h.graph("/v1.0/users", b.auth)).status).toBe(200);
    await h.control("DELETE", `/_sim/${a.tenant.tenantId}/faults`);
    expect((await h.graph("/v1.0/groups", a.auth)).status).toBe(200);

    const log = (await (await h.control("GET", `/_sim/requests?tenantId=${a.tenant.tenantId}`)).json()) as { requests: RequestRecord[] };
    expect(log.requests.map((r) => [r.resource, r.status, r.fault])).toEqual([
      ["users", 429, "429"],
      ["groups", 200, null],
    ]);
    const slow = log.requests[0]!;
    expect(slow.path).toBe("/v1.0/users");
    expect(slow.end - slow.start).toBeGreaterThanOrEqual(35);
    const summary = (await (await h.control("GET", `/_sim/requests?summary=1&tenantId=${b.tenant.tenantId}`)).json()) as { total: number; byStatus: Record<string, number> };
    expect(summary).toMatchObject({ total: 1, byStatus: { "200": 1 } });
    expect((await h.control("DELETE", "/_sim/requests")).status).toBe(204);
    expect(((await (await h.control("GET", "/_sim/requests")).json()) as { requests: unknown[] }).requests).toEqual([]);
  });

  it("holds each answer latencyMs plus latencyPerObjectMs per object it returns, and logs the objects", async () => {
    const { tenant, auth } = h.tenant({ users: 120, groups: 8 });
    await h.control("DELETE", "/_sim/requests");
    expect((await h.control("PUT", `/_sim/${tenant.tenantId}/faults`, { latencyMs: 5, latencyPerObjectMs: 0.5 })).status).toBe(200);
    const big = await h.graph("/v1.0/users?$top=100&$select=id", auth);
    expect(((await big.json()) as { value: unknown[] }).value).toHaveLength(100);
    const small = await h.graph("/v1.0/users?$top=2&$select=id", auth);
    expect(((await small.json()) as { value: unknown[] }).value).toHaveLength(2);
    const log = (await (await h.control("GET", `/_sim/requests?tenantId=${tenant.tenantId}`)).json()) as { requests: RequestRecord[] };
    expect(log.requests.map((r) => r.objects)).toEqual([100, 2]);
    // 5 + 0.5 × 100 = 55 ms against 5 + 0.5 × 2 = 6 ms.
    expect(log.requests[0]!.end - log.requests[0]!.start).toBeGreaterThanOrEqual(50);
    expect(log.requests[1]!.end - log.requests[1]!.start).toBeLessThan(50);
    expect((await h.control("PUT", "/_sim/faults", { latencyPerObjectMs: -1 })).status).toBe(400);
  });

  it("replays the same faults for the same stream in another tenant (tokens keyed without tenant or time)", async () => {
    const statuses = async () => {
      const { tenant, auth } = h.tenant({ users: 600, groups: 4 });
      await h.control("PUT", `/_sim/${tenant.tenantId}/faults`, { seed: 8, rate429: 0.4, retryAfterSeconds: 0 });
      const seen: number[] = [];
      let url: string | undefined = "/v1.0/users/delta?$select=id";
      while (url) {
        const res = await h.graph(url, auth);
        seen.push(res.status);
        if (res.status === 200) url = ((await res.json()) as { "@odata.nextLink"?: string })["@odata.nextLink"];
        else await res.body?.cancel();
      }
      return seen;
    };
    const first = await statuses();
    expect(first).toContain(429);
    // 600 users in pages of 200, after the leading empty page and before the repeat page (strict defaults).
    expect(first.filter((s) => s === 200)).toHaveLength(5);
    expect(await statuses()).toEqual(first);
  });

  it("rejects bad fault settings", async () => {
    expect((await h.control("PUT", "/_sim/faults", { rate429: 2 })).status).toBe(400);
    expect((await h.control("PUT", "/_sim/faults", { rate429: 0.6, rate503: 0.6 })).status).toBe(400);
  });
});
