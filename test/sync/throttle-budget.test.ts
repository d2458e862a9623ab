import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { resolveEndpoints } from "../../src/config/clouds.js";
import type { GraphBudgetSettings } from "../../src/config/config.js";
import { BUDGET_SHARE, GraphBudget, type RequestBudget } from "../../src/graph/budget/graph-budget.js";
import { createGraphClient } from "../../src/graph/client.js";
import { customerCredential } from "../../src/graph/credential.js";
import { BudgetStore } from "../../src/store/budget-store.js";
import { Tables } from "../../src/store/tables.js";
import { graphPageSource } from "../../src/sync/graph-source.js";
import { syncStores } from "../../src/sync/stores.js";
import { simGet, simPost } from "../support/sim.js";
import { expectEqualToTruth, syncOnce, type Harness } from "../support/sync.js";
import { freshTable, uniqueTableName } from "../support/tables.js";

/** The app's budget in the simulated Graph and in the service: 60 RU per 12 s (a $batch is up to 20); the service draws BUDGET_SHARE of it. */
const APP_RU = 60;
const WINDOW_S = 12;
const GRANTED = APP_RU * BUDGET_SHARE;
const RATE = GRANTED / WINDOW_S;

interface SimApp {
  readonly tenantId: string;
  readonly apps: ReadonlyArray<{ readonly clientId: string; readonly clientSecrets: readonly string[] }>;
}

/** A simulated tenant that consented to the shared multi-tenant app `clientId`. */
async function tenantOfApp(clientId: string, n: number): Promise<SimApp> {
  const sim = inject("sim");
  const name = `bud${process.pid}x${n}x${Date.now().toString(36)}`;
  return (await simPost("/_sim/tenants", {
    displayName: `Budget ${name}`,
    domain: `${name}.onmicrosoft.com`,
    spec: { seed: 40 + n, users: 60, groups: 6, devices: 10, applications: 3 },
    apps: [{ displayName: "Entra Sync Connector", clientId, grantedPermissions: sim.tenants[0]?.grantedPermissions ?? [] }],
  })) as SimApp;
}

/** Counts the resource units a draw settled: what the sync really spent. */
function counting(inner: RequestBudget | undefined, spent: { ru: number }): RequestBudget {
  return {
    reserve: (cost) => inner?.reserve(cost) ?? Promise.resolve(),
    async settle(estimated, answer) {
      spent.ru += answer.cost ?? estimated;
      await inner?.settle(estimated, answer);
    },
  };
}

async function harnessFor(t: SimApp, budget: RequestBudget): Promise<Harness> {
  const sim = inject("sim");
  const endpoints = resolveEndpoints("global", undefined, { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl });
  const app = t.apps[0]!;
  const tables = new Tables({ kind: "connectionString", connectionString: inject("tableConnectionString") }, uniqueTableName("bud"));
  await tables.ensure();
  const credential = customerCredential({ tenantId: t.tenantId, clientId: app.clientId, clientSecret: app.clientSecrets[0]! }, endpoints);
  const client = createGraphClient(credential, endpoints, { retry: { maxRetries: 10, baseDelayMs: 20, maxDelayMs: 200 }, budget });
  return { tenantId: t.tenantId, tables, stores: syncStores(tables, t.tenantId), graph: graphPageSource(client) };
}

async function throttledOf(tenantId: string): Promise<number> {
  const s = await simGet<{ byStatus: Record<string, number> }>(`/_sim/requests?tenantId=${tenantId}&summary=1`);
  return s.byStatus["429"] ?? 0;
}

describe("shared throttling budget: tenants of one app under a small app budget", () => {
  it("sync in full, equal to the truth, with next to no 429 and no slower than the budget allows; without the budget they are throttled", async () => {
    const clientId = randomUUID();
    const big = 1_000_000;
    await simPost("/_sim/throttle", { appId: clientId, appRu: APP_RU, appWindowSeconds: WINDOW_S, tenantRu: { small: big, medium: big, large: big } }, "PUT");
    const settings: GraphBudgetSettings = { enabled: true, appRu: APP_RU, appWindowMs: WINDOW_S * 1000, tenantRu: big, tenantWindowMs: 10_000, chunkRu: 5 };
    const budget = new GraphBudget(new BudgetStore(await freshTable("bud")), settings);
    const tenants = await Promise.all([1, 2].map((n) => tenantOfApp(clientId, n)));

    const spent = { ru: 0 };
    const harnesses = await Promise.all(tenants.map((t) => harnessFor(t, counting(budget.forTenant(clientId, t.tenantId), spent))));
    const t0 = Date.now();
    const runs = await Promise.all(harnesses.map((h, i) => syncOnce(h, { runId: `budget-${i}`, trigger: "schedule" })));
    const seconds = (Date.now() - t0) / 1000;
    for (const r of runs) expect(r.finish.status).toBe("succeeded");
    for (const h of harnesses) await expectEqualToTruth(h);

    const throttled = (await Promise.all(tenants.map((t) => throttledOf(t.tenantId)))).reduce((a, b) => a + b, 0);
    expect(throttled).toBeLessThanOrEqual(2);
    // The budget arithmetic: the first GRANTED at once, the rest at RATE; a chunk held back at the end may shorten it.
    const floor = (spent.ru - GRANTED - settings.chunkRu) / RATE;
    expect(spent.ru).toBeGreaterThan(3 * APP_RU);
    expect(seconds).toBeGreaterThanOrEqual(floor * 0.9);
    // …and not much slower: twice the budget's time plus the syncs' own work.
    expect(seconds).toBeLessThan(2 * (spent.ru / RATE) + 30);

    // The control: the same app budget is live in Graph; a client not drawing from it is throttled at once.
    await simPost("/_sim/throttle", { appId: clientId, appRu: APP_RU, appWindowSeconds: WINDOW_S, tenantRu: { small: big, medium: big, large: big } }, "PUT");
    const sim = inject("sim");
    const endpoints = resolveEndpoints("global", undefined, { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl });
    const app = tenants[0]!.apps[0]!;
    const free = createGraphClient(customerCredential({ tenantId: tenants[0]!.tenantId, clientId, clientSecret: app.clientSecrets[0]! }, endpoints), endpoints, { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
    const answers = await Promise.allSettled(Array.from({ length: 40 }, () => free.api("/users").get()));
    expect(answers.filter((a) => a.status === "rejected" && (a.reason as { statusCode?: number }).statusCode === 429).length).toBeGreaterThan(5);
  }, 240_000);
});
