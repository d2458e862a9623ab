import { describe, expect, inject, it, onTestFinished } from "vitest";
import { account, pacedFloorMs, resourceOfUrl, streamOf, type LoggedRequest } from "../src/accounting.js";
import { runEngine } from "../src/engine.js";
import { appCredential, countedClient, simEndpoints } from "../src/graph.js";
import { runNaive } from "../src/naive.js";
import { SimApi } from "../src/sim-api.js";
import { fakeBackend } from "../src/tables.js";
import { startTableServer } from "../src/table-server-process.js";
import { graphPageSource } from "../../../src/sync/graph-source.js";
import { syncStores } from "../../../src/sync/stores.js";
import { createSimTenant } from "../../../test/support/sim.js";

const FAST_RETRY = { maxRetries: 10, baseDelayMs: 20, maxDelayMs: 200 };

/** A request of the hand-made log: resource, start and end in ms from 0. */
const req = (resource: string, start: number, end: number, fault: LoggedRequest["fault"] = null, tenantId = "t1"): LoggedRequest => ({
  tenantId,
  method: "GET",
  path: `/v1.0/${resource}/delta`,
  resource,
  start,
  end,
  status: fault === "429" ? 429 : 200,
  fault,
});

describe("bench accounting", () => {
  it("takes the longest per-resource chain as the critical path, retried requests included", () => {
    const log: LoggedRequest[] = [
      req("users", 0, 50),
      req("groups", 0, 60, "429"),
      req("devices", 0, 55),
      req("devices", 10, 70), // overlaps the first devices request
      req("users", 50, 100),
      req("groups", 110, 170),
      req("users", 100, 150),
      req("groups", 170, 230),
      req("groups", 230, 290),
      req("groups", 290, 350),
      req("users", 0, 50, null, "t2"), // another tenant: a chain of its own
    ];
    const a = account(log, 50, 0.05);
    expect(a.total).toBe(11);
    expect(a.byResource).toEqual({ users: 4, groups: 5, devices: 2 });
    expect(a.faults).toEqual({ "429": 1 });
    expect(a.longest?.resource).toBe("groups");
    expect(a.longest?.requests).toBe(5);
    expect(a.criticalPathSeconds).toBeCloseTo(5 * 0.05, 9);
    expect(a.withRetryAfterSeconds).toBeCloseTo(5 * 0.05 + 0.05, 9);
    // Interval-based: the groups chain's logged durations, 60 ms each.
    expect(a.servedSeconds).toBeCloseTo(0.3, 9);
    expect(a.chains.find((c) => c.resource === "groups")?.spanSeconds).toBeCloseTo(0.35, 9);
    // Back-to-back requests do not overlap; the two devices requests do.
    expect(a.chains.find((c) => c.resource === "users" && c.tenantId === "t1")?.maxOverlap).toBe(1);
    expect(a.maxOverlap).toBe(2);
    expect(a.chains.filter((c) => c.resource === "users").map((c) => c.requests).sort()).toEqual([1, 3]);
    expect(account([], 50).criticalPathSeconds).toBe(0);
  });

  it("sums each chain's modelled latencies (base + per object) for the critical path", () => {
    const withObjects = (r: LoggedRequest, objects: number): LoggedRequest => ({ ...r, objects });
    const log: LoggedRequest[] = [
      // users: 3 requests of 999 objects; groups: 5 requests of 10 objects (more requests, fewer objects).
      ...[0, 1, 2].map((i) => withObjects(req("users", i * 100, i * 100 + 100), 999)),
      ...[0, 1, 2, 3, 4].map((i) => withObjects(req("groups", i * 60, i * 60 + 60), 10)),
      req("devices", 0, 50), // an error answer: no objects logged
    ];
    const a = account(log, 50, 0, 0.05);
    // users: 3 × (50 + 0.05 × 999) = 299.85 ms; groups: 5 × (50 + 0.5) = 252.5 ms.
    expect(a.longest?.resource).toBe("users");
    expect(a.criticalPathSeconds).toBeCloseTo(0.29985, 9);
    expect(a.chains.find((c) => c.resource === "groups")?.modelledSeconds).toBeCloseTo(0.2525, 9);
    expect(a.objects).toBe(3 * 999 + 5 * 10);
    // Without the per-object cost the longest chain is the one with the most requests, n × L.
    expect(account(log, 50).longest?.resource).toBe("groups");
    expect(account(log, 50).criticalPathSeconds).toBeCloseTo(0.25, 9);
  });

  it("paces a rate-limited stream's floor by Graph's documented limit (sign-in list: 10 a minute)", () => {
    // The quick full run's 20 sign-in pages took a minute against a 7.55 s "critical path" that ignored the limit.
    const log: LoggedRequest[] = [
      ...Array.from({ length: 12 }, (_, i) => req("signInActivity", i * 50, i * 50 + 50)),
      ...Array.from({ length: 20 }, (_, i) => req("users", i * 50, i * 50 + 50)),
    ];
    const a = account(log, 50);
    // Ten start back to back; the 11th waits for the first's start + 60 s, the 12th for the second's.
    expect(a.longest?.resource).toBe("signInActivity");
    expect(a.criticalPathSeconds).toBeCloseTo(60.1, 9);
    expect(a.chains.find((c) => c.resource === "signInActivity")?.latencyOnlySeconds).toBeCloseTo(0.6, 9);
    expect(a.unpaced).toEqual({ criticalPathSeconds: 1, resource: "users", spanSeconds: 1 });
    // No limit: the plain sum; a limit never binding below R requests.
    expect(pacedFloorMs([50, 50, 50], null)).toBe(150);
    expect(pacedFloorMs([50, 50, 50], { requests: 3, perMs: 1000 })).toBe(150);
    expect(pacedFloorMs([50, 50, 50, 50], { requests: 3, perMs: 1000 })).toBe(1050);
  });

  it("counts requests in flight together (a $batch's items) as one wave of the chain", () => {
    // Twenty batched sub-requests logged one by one made a 20 × L "critical path" for one envelope's worth of waiting.
    const log: LoggedRequest[] = [
      ...Array.from({ length: 20 }, (_, i) => req("servicePrincipals", 0, 60 + i)),
      ...Array.from({ length: 20 }, (_, i) => req("servicePrincipals", 100, 150 + i)),
      req("servicePrincipals", 200, 250),
    ];
    const a = account(log, 50);
    expect(a.longest?.requests).toBe(41);
    expect(a.criticalPathSeconds).toBeCloseTo(3 * 0.05, 9);
    expect(a.maxOverlap).toBe(20);
  });

  it("names resources the way the simulator logs them", () => {
    expect(resourceOfUrl("https://127.0.0.1:1/v1.0/users/delta?$select=id")).toBe("users");
    expect(resourceOfUrl("https://127.0.0.1:1/v1.0/groups/abc/members?$top=999")).toBe("groups");
    expect(resourceOfUrl("/v1.0/applications(appId='x')")).toBe("applications");
    expect(streamOf({ path: "/v1.0/servicePrincipals/abc/owners", resource: "servicePrincipals" })).toBe("servicePrincipals/owners");
    expect(streamOf({ path: "/v1.0/roleManagement/directory/roleAssignments", resource: "roleAssignments" })).toBe("roleAssignments");
    expect(streamOf({ path: "/v1.0/users/delta", resource: "users" })).toBe("users");
    expect(streamOf({ path: "/v1.0/servicePrincipals", resource: "servicePrincipals" })).toBe("servicePrincipals/list");
  });

  it("counts exactly the Graph requests the simulator logged, for the engine and the naive baseline", async () => {
    const sim = inject("sim");
    const t = await createSimTenant({ spec: { users: 300, groups: 30, largeGroupMembers: 700, devices: 20, applications: 3, extraServicePrincipals: 2, managedIdentities: 1, administrativeUnits: 2 } });
    const app = { tenantId: t.tenantId, clientId: t.apps[0]!.clientId, clientSecret: t.apps[0]!.clientSecrets[0]! };
    const endpoints = simEndpoints(sim.authorityHost, sim.graphBaseUrl);
    const credential = appCredential(app, endpoints);
    const api = new SimApi(sim.graphBaseUrl);
    // As the bench does with its fake store: Graph may repeat an object on a later page, which a count of objects seen would count twice.
    await api.send("PUT", `/_sim/${t.tenantId}/behaviours`, { repeats: false });
    const server = await startTableServer();
    onTestFinished(() => server.stop());
    const backend = await fakeBackend(server.url, true);

    // The engine: every stream at once, then the fan-in.
    const engine = countedClient(credential, endpoints, FAST_RETRY);
    const stores = syncStores(await backend.tables(`bxt${Date.now().toString(36)}a`), t.tenantId);
    const run = await runEngine(graphPageSource(engine.client), stores, t.tenantId, "bench-test-1", { fullScan: false, budgetMs: 60_000 });
    const afterEngine = (await api.requests(t.tenantId)).requests;
    const a = account(afterEngine, 50);
    expect(engine.counter.total).toBe(a.total);
    expect(engine.counter.byResource).toEqual(a.byResource);
    // One request per page, one chain per stream, each chain strictly sequential.
    // (a $batch envelope carries pages but is none itself)
    expect([...run.streams.values()].reduce((n, p) => n + p.counters.pages, 0)).toBe(a.total - (a.byResource.$batch ?? 0));
    // $batch is one resource for three per-parent streams (appRoleAssignments and two owner kinds), which run at once.
    // Regression: the owners and appRoleAssignedTo sub-requests of service principals overlapped in one "servicePrincipals" chain.
    // A parent's ID list is read by each per-parent kind on it: two on servicePrincipals (appRoleAssignments, owners).
    expect(a.chains.filter((c) => c.resource !== "$batch" && !c.resource.endsWith("/list") && c.maxOverlap > 1).map((c) => `${c.resource}: ${c.maxOverlap}`)).toEqual([]);
    expect(Math.max(...a.chains.filter((c) => c.resource.endsWith("/list")).map((c) => c.maxOverlap))).toBeLessThanOrEqual(2);
    expect(a.chains.find((c) => c.resource === "$batch")?.maxOverlap ?? 0).toBeLessThanOrEqual(3);
    // Streams split a resource's requests, so the longest chain is at most its resource's count.
    expect(a.criticalPathSeconds).toBeCloseTo((Math.max(...a.chains.map((c) => c.requests)) * 50) / 1000, 9);
    expect(a.longest!.requests).toBeLessThanOrEqual(a.byResource[a.longest!.resource.split("/")[0]!]!);
    // The 700-member group spans pages and comes twice; it is counted once.
    const truth = await api.counts(t.tenantId);
    // signInActivity is a property of users: one per user.
    for (const [type, seen] of run.seen) expect(seen.objects, type).toBe(truth.counts[type === "signInActivity" ? "users" : type]);
    expect(run.streams.get("groups")?.counters.memberAdds).toBe(truth.counts.memberships);
    const written = await backend.counts();
    expect(written.entities).toBeGreaterThan(truth.counts.users! + truth.counts.memberships!);
    expect(written.transactions).toBeLessThan(written.entities / 10);

    // The naive baseline on the same tenant: lists, then one members request per group, one write per entity.
    await backend.reset();
    const naive = countedClient(credential, endpoints, FAST_RETRY);
    const naiveStores = syncStores(await backend.tables(`bxt${Date.now().toString(36)}b`), t.tenantId);
    const r = await runNaive({ client: naive.client, stores: naiveStores, runId: "bench-test-naive", groupStride: 1, onPhase: () => {} });
    const all = (await api.requests(t.tenantId)).requests;
    const b = account(all.slice(afterEngine.length), 50);
    expect(naive.counter.total).toBe(b.total);
    expect(naive.counter.byResource).toEqual(b.byResource);
    expect(b.byResource.groups).toBe(1 + truth.counts.groups!); // one list page ($top=999), one members page each
    expect(r.memberLinks).toBe(truth.counts.memberships);
    const naiveWrites = await backend.counts();
    expect(naiveWrites.transactions).toBe(naiveWrites.entities);
    expect(naiveWrites.batches).toBe(0);
  });
});
