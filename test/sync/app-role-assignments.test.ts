import { describe, expect, it } from "vitest";
import type { Json } from "../../src/domain/graph-object.js";
import { resourceOf } from "../../src/graph/resources/index.js";
import { textOf } from "../../src/domain/text.js";
import { createSimTenant, simGet, simPost } from "../support/sim.js";
import { harness, syncOnce, type Harness } from "../support/sync.js";
import { expectedCounts, type Applied } from "../support/mutations.js";
import { everything, scopeHash } from "../../src/domain/filters.js";
import type { PageSource } from "../../src/sync/graph-source.js";
import { runPerParent } from "../../src/sync/per-parent.js";
import type { SyncStateStore } from "../../src/store/sync-state.js";

const KINDS = ["servicePrincipals", "appRoleAssignments"] as const;
const m = resourceOf("appRoleAssignments");

type Row = Record<string, Json>;
const truthOf = async (tenantId: string): Promise<Row[]> => simGet<Row[]>(`/_sim/${tenantId}/truth/appRoleAssignments`);

/** The store equals the ground truth: count, and every selected property of every assignment. */
async function expectEqualToTruth(h: Harness): Promise<Row[]> {
  const truth = await truthOf(h.tenantId);
  const stored = new Map<string, Row>();
  for await (const r of h.stores.objects.list("appRoleAssignments")) stored.set(r.id, r.data);
  expect(stored.size).toBe(truth.length);
  for (const o of truth) {
    const want: Row = { id: o.id ?? null };
    for (const p of m.select) if (o[p] !== undefined) want[p] = o[p];
    expect(stored.get(textOf(o.id)), textOf(o.id)).toEqual(want);
  }
  return truth;
}

interface Logged {
  readonly method: string;
  readonly path: string;
  readonly start: number;
}
const requestsOf = async (tenantId: string): Promise<Logged[]> => (await simGet<{ requests: Logged[] }>(`/_sim/requests?tenantId=${tenantId}`)).requests;
const assignedToOf = (log: readonly Logged[]): string[] => log.flatMap((r) => /^\/v1\.0\/servicePrincipals\/([^/]+)\/appRoleAssignedTo$/.exec(r.path)?.[1] ?? []);

/** The harness's Graph, with `before` run as each `$batch` is posted (it may throw, as a dying process would). */
const postingThrough = (h: Harness, before: () => void): PageSource => ({
  page: (url, select, options) => h.graph.page(url, select, options),
  async post(path, body) {
    before();
    return h.graph.post!(path, body);
  },
});
/** The input of a direct call: a full pass of the kind in run-1. */
const passInput = (tenantId: string, budgetMs: number) => ({ tenantId, module: m, runId: "run-1", fullScan: false, scope: everything, scopeHash: scopeHash(null), budgetMs, fullPassMs: 86_400_000 });

describe("app role assignments through $batch", () => {
  it("a first sync equals the ground truth, read in batches of at most 20", async () => {
    const t = await createSimTenant({ spec: { users: 120, groups: 8, applications: 60 } });
    const h = await harness(t);
    await simPost("/_sim/requests", {}, "DELETE").catch(() => undefined);
    const { streams, finish } = await syncOnce(h, { runId: "run-1", types: KINDS });
    expect(finish.status).toBe("succeeded");
    expect(streams.get("appRoleAssignments")).toMatchObject({ status: "done", mode: "full" });
    const truth = await expectEqualToTruth(h);
    expect(truth.length).toBeGreaterThan(20);
    const log = await requestsOf(t.tenantId);
    const batches = log.filter((r) => r.method === "POST" && r.path === "/v1.0/$batch").length;
    const items = assignedToOf(log);
    const sps = (await simGet<Row[]>(`/_sim/${t.tenantId}/truth/servicePrincipals?select=id`)).length;
    // Every service principal once, never one request per parent outside a batch: ⌈n/20⌉ batches.
    expect(new Set(items).size).toBe(sps);
    expect(batches).toBe(Math.ceil(sps / 20));
    expect(items.length).toBeLessThanOrEqual(batches * 20);
  });

  it("a delta run after mutations applies exactly them, reading only the service principals they touched", async () => {
    const t = await createSimTenant({ spec: { seed: 41, users: 150, groups: 8, applications: 80 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1", types: KINDS });
    const before = await truthOf(t.tenantId);
    const { applied } = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 7, count: 120 })) as { applied: Applied[] };
    const ara = applied.filter((a) => a.type === "appRoleAssignments");
    expect(ara.length).toBeGreaterThan(0);
    // Restores among them: a restored user's assignments come back through the rows hidden at its delete.
    expect(applied.some((a) => a.type === "users" && a.kind === "restore")).toBe(true);
    const since = Date.now();
    const { streams, finish } = await syncOnce(h, { runId: "run-2", types: KINDS });
    expect(finish.status).toBe("succeeded");
    expect(streams.get("appRoleAssignments")?.mode).toBe("delta");
    await expectEqualToTruth(h);

    // The SPs a change touched: an assignment's own, a changed SP, or one holding a deleted or restored principal's assignment.
    const deleted = new Set(applied.filter((a) => a.kind === "softDelete" || a.kind === "hardDelete" || a.kind === "restore").map((a) => a.id));
    const touched = new Set([...ara.map((a) => a.parentId ?? ""), ...applied.filter((a) => a.type === "servicePrincipals").map((a) => a.id)]);
    for (const a of before) if (deleted.has(textOf(a.principalId))) touched.add(textOf(a.resourceId));
    const read = new Set(assignedToOf((await requestsOf(t.tenantId)).filter((r) => r.start >= since)));
    for (const sp of ara.map((a) => a.parentId ?? "")) expect(read.has(sp), sp).toBe(true);
    expect([...read].filter((sp) => !touched.has(sp))).toEqual([]);

    // The history counts what changed: the assignments added (and those back with a restored principal).
    const record = finish.records.find((r) => r.type === "appRoleAssignments");
    expect(record?.changed).toBeGreaterThanOrEqual(expectedCounts(applied, "appRoleAssignments").changed);
    expect(record?.total).toBe((await truthOf(t.tenantId)).length);
  });

  it("a delta run with no change reads no service principal's assignments", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 4, applications: 30 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1", types: KINDS });
    const since = Date.now();
    const { streams } = await syncOnce(h, { runId: "run-2", types: KINDS });
    expect(streams.get("appRoleAssignments")).toMatchObject({ status: "done", mode: "delta" });
    expect(assignedToOf((await requestsOf(t.tenantId)).filter((r) => r.start >= since))).toEqual([]);
    await expectEqualToTruth(h);
  });
  it("throttled requests inside a batch are retried on their own: the store still equals the truth", async () => {
    const t = await createSimTenant({ spec: { users: 80, groups: 4, applications: 50 } });
    const h = await harness(t);
    await simPost(`/_sim/${t.tenantId}/faults`, { seed: 3, rate429: 0.3, rate503: 0.1, retryAfterSeconds: 0.05 }, "PUT");
    try {
      const since = Date.now();
      const { finish } = await syncOnce(h, { runId: "run-1", types: KINDS });
      expect(finish.status).toBe("succeeded");
      const log = (await simGet<{ requests: Array<Logged & { status: number }> }>(`/_sim/requests?tenantId=${t.tenantId}`)).requests.filter((r) => r.start >= since);
      // Some item inside a batch met a 429 and went again.
      expect(log.filter((r) => r.status === 429 && r.path.endsWith("/appRoleAssignedTo")).length).toBeGreaterThan(0);
    } finally {
      await simPost(`/_sim/${t.tenantId}/faults`, {}, "DELETE");
    }
    await expectEqualToTruth(h);
  });

  it("a deleted service principal's assignments go, a deleted user's go, and a restored user's come back", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 4, applications: 30 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1", types: KINDS });
    const truth = await truthOf(t.tenantId);
    const sp = textOf(truth[0]?.resourceId);
    const user = textOf(truth.find((a) => a.principalType === "User" && a.resourceId !== sp)?.principalId);
    await simPost(`/_sim/${t.tenantId}/objects/servicePrincipals/${sp}`, {}, "DELETE");
    await simPost(`/_sim/${t.tenantId}/objects/users/${user}?soft=1`, {}, "DELETE");
    const { streams, finish } = await syncOnce(h, { runId: "run-2", types: [...KINDS, "users"] });
    expect(finish.status).toBe("succeeded");
    expect(streams.get("appRoleAssignments")?.mode).toBe("delta");
    const after = await expectEqualToTruth(h);
    expect(after.some((a) => a.resourceId === sp || a.principalId === user)).toBe(false);
    expect(after.length).toBeLessThan(truth.length);

    await simPost(`/_sim/${t.tenantId}/deletedItems/${user}/restore`, {});
    const third = await syncOnce(h, { runId: "run-3", types: [...KINDS, "users"] });
    // Found through the rows hidden at the delete, without a full pass.
    expect(third.streams.get("appRoleAssignments")?.mode).toBe("delta");
    const back = await expectEqualToTruth(h);
    expect(back.some((a) => a.principalId === user)).toBe(true);
  });

  it("a pass cut into many calls by the time budget resumes at its checkpoints and ends equal to the truth", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 4, applications: 70 } });
    const h = await harness(t);
    // Budget 0: every call returns after its first group of 20 parents.
    const { streams, calls } = await syncOnce(h, { runId: "run-1", types: ["appRoleAssignments"], budgetMs: 0 });
    const sps = (await simGet<Row[]>(`/_sim/${t.tenantId}/truth/servicePrincipals?select=id`)).length;
    expect(calls).toBe(Math.ceil(sps / 20));
    expect(streams.get("appRoleAssignments")?.status).toBe("done");
    await expectEqualToTruth(h);
  });

  it("without AuditLog.Read.All the delta run follows service principal changes only, and says so", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 4, applications: 30 } });
    expect(t.apps[0]!.grantedPermissions).toContain("AuditLog.Read.All");
    await simPost(`/_sim/${t.tenantId}/apps/${t.apps[0]!.clientId}/permissions`, { grantedPermissions: t.apps[0]!.grantedPermissions.filter((p) => p !== "AuditLog.Read.All") }, "PUT");
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1", types: KINDS });
    const sp = textOf((await truthOf(t.tenantId))[0]?.resourceId);
    await simPost(`/_sim/${t.tenantId}/objects/servicePrincipals/${sp}`, { displayName: "Renamed app" }, "PATCH");
    const since = Date.now();
    const { streams, finish } = await syncOnce(h, { runId: "run-2", types: KINDS });
    expect(finish.status).toBe("succeeded");
    expect(streams.get("appRoleAssignments")).toMatchObject({ status: "done", mode: "delta" });
    expect(streams.get("appRoleAssignments")?.error).toContain("the audit log was refused");
    // The renamed service principal's row changed, so it is read again (in this run or, written after the read, the next).
    const next = await syncOnce(h, { runId: "run-3", types: KINDS });
    expect(next.streams.get("appRoleAssignments")?.mode).toBe("delta");
    expect(assignedToOf((await requestsOf(t.tenantId)).filter((r) => r.start >= since))).toContain(sp);
  });

  it("without an Application read permission the kind is skipped naming it, and the rest succeed", async () => {
    const t = await createSimTenant({ spec: { users: 30, groups: 2, applications: 10 }, grantedPermissions: ["User.Read.All"] });
    const h = await harness(t);
    const { streams, finish } = await syncOnce(h, { runId: "run-1", types: ["users", "appRoleAssignments"] });
    expect(streams.get("appRoleAssignments")).toMatchObject({ status: "skipped", missingPermission: "Application.Read.All" });
    expect(streams.get("users")?.status).toBe("done");
    expect(finish.records.find((r) => r.type === "appRoleAssignments")?.status).toBe("skipped");
  });

  it("reads the next group of parents while this one is written: batch k+1 goes out before checkpoint k", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 4, applications: 70 } });
    const h = await harness(t);
    const events: string[] = [];
    const graph = postingThrough(h, () => events.push("batch"));
    // The real store, with each checkpoint noted as it is asked for.
    const state = Object.create(h.stores.state) as SyncStateStore;
    state.put = (tenantId, key, s) => {
      events.push(`checkpoint ${s.seq}`);
      return h.stores.state.put(tenantId, key, s);
    };
    const done = await runPerParent({ graph, stores: { ...h.stores, state } }, passInput(t.tenantId, 600_000));
    expect(done.done).toBe(true);
    const groups = Math.ceil((await simGet<Row[]>(`/_sim/${t.tenantId}/truth/servicePrincipals?select=id`)).length / 20);
    expect(groups).toBeGreaterThanOrEqual(3);
    const batchAt = events.flatMap((e, i) => (e === "batch" ? [i] : []));
    expect(batchAt).toHaveLength(groups);
    for (let k = 1; k < groups; k++) expect(batchAt[k], `batch ${k + 1}`).toBeLessThan(events.indexOf(`checkpoint ${k}`));
    await expectEqualToTruth(h);
  });

  it("a call that runs out of budget takes the group it read ahead: every parent is read once across the calls", async () => {
    // Regression: a call returned at its budget with the next group already read, and the next call read that group again.
    const t = await createSimTenant({ spec: { users: 60, groups: 4, applications: 70 } });
    const h = await harness(t);
    let posts = 0;
    // A clock that moves a second with every $batch: a budget of 1.5 s lets each call start two reads.
    const graph = postingThrough(h, () => posts++);
    const input = passInput(t.tenantId, 1_500);
    await simPost("/_sim/requests", {}, "DELETE").catch(() => undefined);
    let calls = 0;
    for (let done = false; !done; calls++) done = (await runPerParent({ graph, stores: h.stores, now: () => posts * 1_000 }, input)).done;
    const sps = (await simGet<Row[]>(`/_sim/${t.tenantId}/truth/servicePrincipals?select=id`)).length;
    expect(posts).toBe(Math.ceil(sps / 20));
    expect(calls).toBe(Math.ceil(posts / 2));
    const items = assignedToOf(await requestsOf(t.tenantId));
    expect(items).toHaveLength(sps);
    expect(new Set(items).size).toBe(sps);
    await expectEqualToTruth(h);
  });

  it("a call killed after two batches resumes at its checkpoint, counting every assignment once", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 4, applications: 70 } });
    const h = await harness(t);
    let posts = 0;
    const dying = postingThrough(h, () => {
      if (posts++ >= 2) throw new Error("process killed");
    });
    const input = passInput(t.tenantId, 600_000);
    await expect(runPerParent({ graph: dying, stores: h.stores }, input)).rejects.toThrow("process killed");
    // Two groups of 20 parents were checkpointed before the kill.
    expect(await h.stores.state.get(t.tenantId, "appRoleAssignments")).toMatchObject({ status: "running", seq: 2 });
    const done = await runPerParent({ graph: h.graph, stores: h.stores }, input);
    expect(done.done).toBe(true);
    const truth = await truthOf(t.tenantId);
    expect(done.counters.added).toBe(truth.length);
    await expectEqualToTruth(h);
  });
});
