import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_LIMITS, ThrottleBudget, requestCost, tenantSize } from "../src/graph/throttle-budget.js";
import { startHarness, type Harness } from "./graph-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** Every harness token carries this appid. */
const APP = "test-app";

async function setLimits(body: Record<string, unknown>): Promise<void> {
  const res = await h.control("PUT", "/_sim/throttle", { appId: APP, ...body });
  expect(res.status).toBe(200);
}

interface GraphErrorBody {
  error: { code: string };
}

describe("Graph's resource-unit budgets (throttling-limits.md)", () => {
  it("costs requests as the doc does", () => {
    const u = (q: string) => new URL(`https://graph.invalid/v1.0/users${q}`);
    expect(requestCost(2, u(""))).toBe(2);
    expect(requestCost(2, u("?$select=id"))).toBe(1);
    expect(requestCost(1, u("?$select=id"))).toBe(1);
    expect(requestCost(3, u("?$expand=manager"))).toBe(4);
    expect(requestCost(3, u("?$top=10&$select=id"))).toBe(1);
    expect(requestCost(3, u("?$top=999"))).toBe(3);
    expect([tenantSize(49), tenantSize(50), tenantSize(500), tenantSize(501)]).toEqual(["small", "medium", "medium", "large"]);
    expect(DOCUMENTED_LIMITS).toMatchObject({ enabled: true, appRu: 150_000, appWindowSeconds: 20, tenantRu: { small: 3_500, medium: 5_000, large: 8_000 }, tenantWindowSeconds: 10 });
  });

  it("answers 429 with Retry-After and the scope past a tenant's budget, the percentage header near it, and refills with time", async () => {
    await setLimits({ tenantRu: { small: 20 }, tenantWindowSeconds: 60 });
    const { tenant, auth } = h.tenant({ users: 10, groups: 1 });
    const statuses: number[] = [];
    const percentages: (string | null)[] = [];
    let throttled: Response | undefined;
    for (let i = 0; i < 12; i++) {
      const res = await h.graph("/v1.0/users", auth);
      statuses.push(res.status);
      percentages.push(res.headers.get("x-ms-throttle-limit-percentage"));
      if (res.status === 429) throttled ??= res;
      else await res.arrayBuffer();
    }
    // GET /users costs 2: ten fit in 20 RU, and the first two past them are refused.
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429, 429]);
    // "Returned only when the application consumed more than 0.8 of its limit": from the 9th request (18 of 20).
    expect(percentages.slice(0, 8).every((p) => p === null)).toBe(true);
    expect(Number(percentages[8])).toBeGreaterThan(0.8);
    expect(Number(percentages[8])).toBeLessThanOrEqual(0.9);
    expect(Number(percentages[11])).toBeLessThanOrEqual(1.8);
    expect(throttled).toBeDefined();
    const retryAfter = Number(throttled!.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    expect(throttled!.headers.get("x-ms-throttle-scope")).toBe(`Tenant_Application/ReadWrite/${APP}/${tenant.tenantId}`);
    expect(throttled!.headers.get("x-ms-throttle-information")).toBe("ResourceUnitLimitExceeded");
    expect(((await throttled!.json()) as GraphErrorBody).error.code).toBe("TooManyRequests");
    // After Retry-After the request fits again (the sim clock moves instead of the test sleeping).
    const last = Number((await h.graph("/v1.0/users", auth)).headers.get("retry-after"));
    h.clockOffset += last * 1000;
    const again = await h.graph("/v1.0/users", auth);
    h.clockOffset = 0;
    expect(again.status).toBe(200);
    expect(again.headers.get("x-ms-resource-unit")).toBe("2");
  });

  it("sizes the tenant's budget by its users", async () => {
    await setLimits({ tenantRu: { small: 4, medium: 4, large: 1_000 }, tenantWindowSeconds: 60 });
    const small = h.tenant({ users: 10, groups: 1 });
    const large = h.tenant({ users: 600, groups: 1 });
    const statusOf = async (auth: string) => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await h.graph("/v1.0/organization", auth);
        await res.arrayBuffer();
        out.push(res.status);
      }
      return out;
    };
    expect(await statusOf(small.auth)).toEqual([200, 200, 200, 200, 429]);
    expect(await statusOf(large.auth)).toEqual([200, 200, 200, 200, 200]);
  });

  it("counts every tenant of one app against the app's budget", async () => {
    await setLimits({ appRu: 6, appWindowSeconds: 60 });
    const a = h.tenant({ users: 10, groups: 1 });
    const b = h.tenant({ users: 10, groups: 1 });
    const statuses: number[] = [];
    let scope: string | null = null;
    for (const t of [a, b, a, b, a, b, a, b]) {
      const res = await h.graph("/v1.0/organization", t.auth);
      await res.arrayBuffer();
      statuses.push(res.status);
      if (res.status === 429) scope ??= res.headers.get("x-ms-throttle-scope");
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    expect(scope).toBe(`Application/ReadWrite/${APP}/${a.tenant.tenantId}`);
  });

  it("costs each request inside a $batch: the items past the budget answer 429 with their own Retry-After while the batch answers 200", async () => {
    await setLimits({ tenantRu: { small: 10 }, tenantWindowSeconds: 60 });
    const { auth } = h.tenant({ users: 10, groups: 1 });
    const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: "GET", url: "/users?$select=id" }));
    const res = await h.graph("/v1.0/$batch", auth, { method: "POST", body: JSON.stringify({ requests }) });
    expect(res.status).toBe(200);
    const { responses } = (await res.json()) as { responses: Array<{ id: string; status: number; headers?: Record<string, string> }> };
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect([ok.length, refused.length]).toEqual([10, 10]);
    expect(refused.every((r) => Number(r.headers?.["Retry-After"]) >= 1)).toBe(true);
  });

  it("charges nothing with the tenant's throttleBudget behaviour off, and nothing when disabled", async () => {
    await setLimits({ tenantRu: { small: 2 }, tenantWindowSeconds: 60 });
    const lenient = h.tenant({ users: 10, groups: 1 }, undefined, { throttleBudget: false });
    for (let i = 0; i < 5; i++) expect((await h.graph("/v1.0/organization", lenient.auth)).status).toBe(200);
    await setLimits({ enabled: false, tenantRu: { small: 2 } });
    const off = h.tenant({ users: 10, groups: 1 });
    for (let i = 0; i < 5; i++) expect((await h.graph("/v1.0/organization", off.auth)).status).toBe(200);
    const read = (await (await h.control("GET", `/_sim/throttle?appId=${APP}`)).json()) as { enabled: boolean };
    expect(read.enabled).toBe(false);
    expect((await h.control("PUT", "/_sim/throttle", { appRu: -1 })).status).toBe(400);
  });

  it("counts refused requests too, up to 1.8 of the limit", () => {
    const b = new ThrottleBudget();
    b.set({ appId: "x", tenantRu: { small: 10 }, tenantWindowSeconds: 10 });
    const verdicts = Array.from({ length: 30 }, () => b.charge("x", "t", 1, 1, 0));
    expect(verdicts.filter((v) => v.ok).length).toBe(10);
    expect(Math.max(...verdicts.map((v) => v.percentage))).toBe(1.8);
    // Full at 18 of 10: the next request fits once 9 have drained, 9 s at 1 RU/s.
    const last = verdicts.at(-1)!;
    expect(last.ok ? 0 : last.retryAfterSeconds).toBe(9);
    expect(b.charge("x", "t", 1, 1, 8_500).ok).toBe(false);
    expect(b.charge("x", "u", 1, 1, 0).ok).toBe(true);
  });

  it("takes a clock set back as no time passed", () => {
    // Regression: graph-delta.test.ts sets the sim clock 8 days ahead and back; the negative time filled the budget.
    const b = new ThrottleBudget();
    b.set({ appId: "x", tenantRu: { small: 10 }, tenantWindowSeconds: 10 });
    expect(b.charge("x", "t", 1, 1, 8 * 86_400_000).ok).toBe(true);
    expect(b.charge("x", "t", 1, 1, 0).ok).toBe(true);
  });
});
