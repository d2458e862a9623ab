import { TableClient } from "@azure/data-tables";
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import type { GraphBudgetSettings } from "../../src/config/config.js";
import { GraphBudget, tenantBudgetRu, type RequestBudget } from "../../src/graph/budget/graph-budget.js";
import { estimateBatchCost, estimateCost } from "../../src/graph/budget/request-cost.js";
import { createGraphClient } from "../../src/graph/client.js";
import { BudgetStore, type BucketSpec } from "../../src/store/budget-store.js";
import { freshTable } from "../support/tables.js";

/** A second TableClient on the same table: another Function instance. */
const sameTable = (t: TableClient) => TableClient.fromConnectionString(inject("tableConnectionString"), t.tableName, { allowInsecureConnection: true });


describe("throttling budget: the table bucket (Azurite)", () => {
  it("two instances taking at once never take more than the bucket holds and refills", async () => {
    const table = await freshTable("bud");
    let serial = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 20, max: 2_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 400 })), { minLength: 2, maxLength: 24 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 4 }),
        async (capacity, takes, steps) => {
          // One shared clock the test moves: whatever the instances grant must fit the capacity plus the refill of the time moved.
          let now = 1_000_000;
          const clock = () => now;
          const stores = [new BudgetStore(table, clock), new BudgetStore(sameTable(table), clock)];
          const spec: BucketSpec = { partitionKey: `p${++serial}`, rowKey: "b", capacity, windowMs: 10_000 };
          let granted = 0;
          const start = now;
          const rounds = steps.map((step, i) => ({ step, takes: takes.filter((_, k) => k % steps.length === i) }));
          for (const round of rounds) {
            const results = await Promise.all(round.takes.map(([who, n]) => stores[who]!.take(spec, Math.min(n, capacity))));
            round.takes.forEach(([, n], k) => {
              if (results[k]!.granted) granted += Math.min(n, capacity);
            });
            now += round.step;
          }
          expect(granted).toBeLessThanOrEqual(capacity + ((now - start) * capacity) / spec.windowMs + 1e-6);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("with the clock stopped, grants exactly what the bucket holds, and says how long until the rest", async () => {
    const table = await freshTable("bud");
    const now = 5_000_000;
    const a = new BudgetStore(table, () => now);
    const b = new BudgetStore(sameTable(table), () => now);
    const spec: BucketSpec = { partitionKey: "app|x", rowKey: "budget", capacity: 1_000, windowMs: 20_000 };
    const results = await Promise.all(Array.from({ length: 14 }, (_, i) => (i % 2 ? a : b).take(spec, 100)));
    expect(results.filter((r) => r.granted).length).toBe(10);
    const short = results.find((r) => !r.granted);
    // 100 RU at 1,000 RU per 20 s: 2 s.
    expect(short && !short.granted ? short.waitMs : 0).toBe(2_000);
    // A clock behind the row's refill time refills nothing.
    expect((await new BudgetStore(table, () => now - 60_000).take(spec, 1)).granted).toBe(false);
  });
});

const SETTINGS: GraphBudgetSettings = { enabled: true, appRu: 1_000_000, appWindowMs: 20_000, tenantRu: 20, tenantWindowMs: 1_000, chunkRu: 5 };

describe("throttling budget: leases drawn in chunks", () => {
  it("two instances drawing 60 RU from a 20 RU / 1 s budget wait for the refill: about 2 s, never sooner", async () => {
    const table = await freshTable("bud");
    const instances = [new GraphBudget(new BudgetStore(table), SETTINGS), new GraphBudget(new BudgetStore(sameTable(table)), SETTINGS)];
    const draws = instances.map((g) => g.forTenant("app-1", "tenant-1"));
    const t0 = Date.now();
    await Promise.all(
      draws.map(async (d) => {
        for (let i = 0; i < 30; i++) await d.reserve(1);
      }),
    );
    const seconds = (Date.now() - t0) / 1000;
    // 20 RU at once, then 40 RU at 20 RU/s; chunks left unused at the end may add at most one chunk each.
    expect(seconds).toBeGreaterThanOrEqual(1.9 - (2 * SETTINGS.chunkRu) / 20);
    expect(seconds).toBeLessThan(10);
  });

  it("sizes a tenant as the doc does: S 3,500, M 5,000, L 8,000; unknown as S", () => {
    expect([tenantBudgetRu(undefined), tenantBudgetRu(49), tenantBudgetRu(50), tenantBudgetRu(500), tenantBudgetRu(501)]).toEqual([3_500, 3_500, 5_000, 5_000, 8_000]);
  });
});

/** A fake transport answering 200 with the given headers, recording what it was asked. */
function answering(headers: Record<string, string>, status = 200): Middleware & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    execute(ctx: Context) {
      seen.push(String(ctx.request));
      ctx.response = new Response(JSON.stringify({ value: [], responses: [] }), { status, headers: { "content-type": "application/json", ...headers } });
      return Promise.resolve();
    },
  };
}

function recording(): RequestBudget & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    reserve(cost) {
      log.push(`reserve ${cost}`);
      return Promise.resolve();
    },
    settle(estimated, a) {
      log.push(`settle ${estimated} ${a.cost ?? "-"} ${a.percentage ?? "-"} ${a.retryAfterMs ?? "-"}`);
      return Promise.resolve();
    },
  };
}

const staticToken = { getToken: () => Promise.resolve({ token: "tok", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const endpoints = { authorityHost: "https://login.example.test", graphBaseUrl: "https://graph.example.test" };

describe("throttling budget: the Graph middleware (fake transport)", () => {
  it("costs requests as throttling-limits.md does", () => {
    expect(estimateCost("GET", "https://graph.example.test/v1.0/users?$top=999")).toBe(2);
    expect(estimateCost("GET", "https://graph.example.test/v1.0/users?$select=id")).toBe(1);
    expect(estimateCost("GET", "/groups/abc/members?$top=10")).toBe(2);
    expect(estimateCost("GET", "/subscribedSkus")).toBe(3);
    expect(estimateCost("GET", "/users/delta?$select=id")).toBe(1);
    expect(estimateCost("GET", "/servicePrincipals/1/appRoleAssignments?$expand=x")).toBe(3);
    const batch = { requests: [{ id: "1", method: "GET", url: "/groups/a/members" }, { id: "2", method: "GET", url: "/servicePrincipals/b/appRoleAssignedTo" }] };
    expect(estimateBatchCost(JSON.stringify(batch))).toBe(4);
  });

  it("reserves the estimate before each request and settles it by x-ms-resource-unit, the percentage and a 429's Retry-After", async () => {
    const budget = recording();
    const transport = answering({ "x-ms-resource-unit": "4", "x-ms-throttle-limit-percentage": "0.93" });
    const client = createGraphClient(staticToken, endpoints, { transport, budget, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
    await client.api("/users").get();
    expect(budget.log).toEqual(["reserve 2", "settle 2 4 0.93 -"]);

    const batchBudget = recording();
    const batchClient = createGraphClient(staticToken, endpoints, { transport: answering({}), budget: batchBudget, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
    await batchClient.api("/$batch").post({ requests: [{ id: "1", method: "GET", url: "/groups/a/members" }, { id: "2", method: "GET", url: "/users" }] });
    expect(batchBudget.log).toEqual(["reserve 5", "settle 5 - - -"]);

    const throttledBudget = recording();
    const throttled = createGraphClient(staticToken, endpoints, { transport: answering({ "retry-after": "3" }, 429), budget: throttledBudget, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(throttled.api("/organization").get()).rejects.toThrow();
    expect(throttledBudget.log).toEqual(["reserve 1", "settle 1 - - 3000"]);
  });

  it("draws every retry attempt", async () => {
    const budget = recording();
    const steps = [new Response("{}", { status: 503 }), new Response(JSON.stringify({ value: [] }), { status: 200, headers: { "content-type": "application/json" } })];
    const transport: Middleware = {
      execute(ctx: Context) {
        ctx.response = steps.shift();
        return Promise.resolve();
      },
    };
    const client = createGraphClient(staticToken, endpoints, { transport, budget, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    await client.api("/devices").get();
    expect(budget.log.filter((l) => l.startsWith("reserve"))).toEqual(["reserve 1", "reserve 1"]);
  });
});

