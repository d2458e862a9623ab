import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { everything, scopeHash } from "../../src/domain/filters.js";
import type { SyncedType } from "../../src/domain/synced.js";
import { resourceOf } from "../../src/graph/resources/index.js";
import type { SyncStateStore } from "../../src/store/sync-state.js";
import { linkTotal } from "../../src/sync/link-counts.js";
import { runPerParent } from "../../src/sync/per-parent.js";
import { addTenant, syncAndWait } from "../api/helpers.js";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant, simGet, simPost } from "../support/sim.js";
import type { Applied } from "../support/mutations.js";
import { harness, syncOnce, type Harness } from "../support/sync.js";

const STORES = { groups: "groupOwners", applications: "applicationOwners", servicePrincipals: "servicePrincipalOwners" } as const;
type Owned = keyof typeof STORES;
const OWNED = Object.keys(STORES) as Owned[];
const TYPES: readonly SyncedType[] = ["users", "groups", "applications", "servicePrincipals", "applicationOwners", "servicePrincipalOwners"];

interface OwnerRow {
  readonly parentType: string;
  readonly parentId: string;
  readonly ownerId: string;
}

/** The simulator's owners, per parent type, as `parent|owner` keys. */
async function truthOwners(tenantId: string): Promise<Record<Owned, Set<string>>> {
  const rows = await simGet<OwnerRow[]>(`/_sim/${tenantId}/truth/owners`);
  const of = (t: Owned) => new Set(rows.filter((o) => o.parentType === t).map((o) => `${o.parentId}|${o.ownerId}`));
  return { groups: of("groups"), applications: of("applications"), servicePrincipals: of("servicePrincipals") };
}

/** Stored live owner links of one parent type; every owner the simulator makes is a user, typed from `@odata.type`. */
async function storedOwners(h: Harness, t: Owned): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const l of h.stores.members.all(STORES[t])) {
    expect(l.memberType, `${t} owner ${l.memberId}`).toBe("user");
    out.add(`${l.containerId}|${l.memberId}`);
  }
  return out;
}

interface Logged {
  readonly method: string;
  readonly path: string;
  readonly start: number;
}
const requestsSince = async (tenantId: string, since: number): Promise<Logged[]> =>
  (await simGet<{ requests: Logged[] }>(`/_sim/requests?tenantId=${tenantId}`)).requests.filter((r) => r.start >= since);
/** The parents whose owners were read, from the simulator's log (requests inside a $batch are logged one by one). */
const ownersRead = (log: readonly Logged[], t: "applications" | "servicePrincipals"): string[] =>
  log.flatMap((r) => new RegExp(`^/v1\\.0/${t}/([^/]+)/owners$`).exec(r.path)?.[1] ?? []);

/** Keys `parent|owner` of `a` not in `b`, but for those whose parent is in `parents` or owner in `owners`. */
const minus = (a: ReadonlySet<string>, b: ReadonlySet<string>, parents: ReadonlySet<string> = new Set(), owners: ReadonlySet<string> = new Set()): number =>
  [...a].filter((k) => {
    const [parent = "", owner = ""] = k.split("|");
    return !b.has(k) && !parents.has(parent) && !owners.has(owner);
  }).length;

describe("owners of applications and service principals, read per parent through $batch", () => {
  it("a first sync stores the owners of groups, applications and service principals equal to the truth", async () => {
    const t = await createSimTenant({ spec: { users: 120, groups: 10, applications: 30 } });
    const h = await harness(t);
    const first = await syncOnce(h, { runId: "run-1", types: TYPES });
    expect(first.finish.status).toBe("succeeded");
    const truth = await truthOwners(t.tenantId);
    for (const ty of OWNED) {
      expect(truth[ty].size, ty).toBeGreaterThan(0);
      expect(await storedOwners(h, ty), ty).toEqual(truth[ty]);
    }
    // A sample link property by property, as the browse API reads it.
    const [parentId = "", ownerId = ""] = [...truth.applications][0]!.split("|");
    const row = await h.stores.members.table.getEntity<Record<string, unknown>>(h.stores.members.partitionOf("applicationOwners", parentId), h.stores.members.rowKey(parentId, ownerId));
    expect({ containerId: row.containerId, memberId: row.memberId, memberType: row.memberType, scan: row.scan }).toEqual({ containerId: parentId, memberId: ownerId, memberType: "user", scan: "run-1" });
    // One history record per link kind, with its own total.
    const records = new Map(first.finish.records.map((r) => [r.type, r]));
    expect(records.get("owners")?.total).toBe(truth.groups.size);
    expect(records.get("applicationOwners")).toMatchObject({ status: "succeeded", total: truth.applications.size, changed: truth.applications.size, deleted: 0 });
    expect(records.get("servicePrincipalOwners")).toMatchObject({ status: "succeeded", total: truth.servicePrincipals.size, changed: truth.servicePrincipals.size, deleted: 0 });
    // Owners are links, never objects of their own.
    for await (const _ of h.stores.objects.list("applicationOwners")) expect.unreachable("an owner stored as an object");
  });

  it("a delta run after owner changes applies exactly them, reading only the parents that changed", async () => {
    const t = await createSimTenant({ spec: { seed: 23, users: 150, groups: 10, applications: 60 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1", types: TYPES });
    const before = await truthOwners(t.tenantId);
    const { applied } = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 11, count: 300 })) as { applied: Applied[] };
    const after = await truthOwners(t.tenantId);
    const ownerChanges = (ty: Owned) => applied.filter((a) => a.type === "owners" && !a.cascade && (before[ty].has(`${a.id}|${a.memberId ?? ""}`) || after[ty].has(`${a.id}|${a.memberId ?? ""}`)));
    expect(ownerChanges("applications").length).toBeGreaterThan(0);
    expect(ownerChanges("servicePrincipals").length).toBeGreaterThan(0);
    const since = Date.now();
    const second = await syncOnce(h, { runId: "run-2", types: TYPES });
    expect(second.finish.status).toBe("succeeded");
    for (const ty of ["applicationOwners", "servicePrincipalOwners"] as const) expect(second.streams.get(ty)?.mode, ty).toBe("delta");
    for (const ty of OWNED) expect(await storedOwners(h, ty), ty).toEqual(after[ty]);

    // Uncounted in the record, as for group owners: a deleted parent's links go with it, a soft-deleted owner's are hidden.
    const ids = (type: string, kinds: readonly string[]) => new Set(applied.filter((a) => a.type === type && kinds.includes(a.kind)).map((a) => a.id));
    // Hidden: users whose last delete or restore left them soft-deleted (one deleted again for good is gone).
    const last = new Map<string, string>();
    for (const a of applied) if (a.type === "users" && ["softDelete", "hardDelete", "restore"].includes(a.kind)) last.set(a.id, a.kind);
    const hidden = new Set([...last].filter(([, k]) => k === "softDelete").map(([id]) => id));
    const records = new Map(second.finish.records.map((r) => [r.type, r]));
    const log = await requestsSince(t.tenantId, since);
    for (const [ty, kind] of [["applications", "applicationOwners"], ["servicePrincipals", "servicePrincipalOwners"]] as const) {
      const r = records.get(kind);
      const gone = ids(ty, ["hardDelete", "softDelete"]);
      expect({ changed: r?.changed, deleted: r?.deleted, total: r?.total }, kind).toEqual({ changed: minus(after[ty], before[ty]), deleted: minus(before[ty], after[ty], gone, hidden), total: after[ty].size });
      // Read: the parents an owner change names, and only parents some change touched (the parent itself, or an owner deleted or restored).
      const read = new Set(ownersRead(log, ty));
      for (const a of ownerChanges(ty)) expect(read.has(a.id), `${ty} ${a.id}`).toBe(true);
      const principals = new Set(applied.filter((a) => ["softDelete", "hardDelete", "restore"].includes(a.kind)).map((a) => a.id));
      const touched = new Set([...ownerChanges(ty).map((a) => a.id), ...applied.filter((a) => a.type === ty).map((a) => a.id)]);
      for (const k of before[ty]) if (principals.has(k.split("|")[1] ?? "")) touched.add(k.split("|")[0] ?? "");
      expect([...read].filter((id) => !touched.has(id)), ty).toEqual([]);
      expect(read.size, ty).toBeLessThan(new Set([...before[ty]].map((k) => k.split("|")[0])).size);
    }
    // Two syncs of six kinds around 300 mutations: about 40 s alone on a loaded machine.
  }, 150_000);

  it("a delta run with no change reads no parent's owners", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 4, applications: 20 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1", types: TYPES });
    const since = Date.now();
    const { streams } = await syncOnce(h, { runId: "run-2", types: TYPES });
    expect(streams.get("applicationOwners")).toMatchObject({ status: "done", mode: "delta" });
    const log = await requestsSince(t.tenantId, since);
    expect([...ownersRead(log, "applications"), ...ownersRead(log, "servicePrincipals")]).toEqual([]);
  });

  it("a deleted application's owner links go with it at the fan-in", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 4, applications: 12 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1", types: TYPES });
    const before = await truthOwners(t.tenantId);
    const appId = [...before.applications][0]!.split("|")[0]!;
    await simPost(`/_sim/${t.tenantId}/objects/applications/${appId}`, {}, "DELETE");
    const { finish } = await syncOnce(h, { runId: "run-2", types: TYPES });
    expect(finish.status).toBe("succeeded");
    const stored = await storedOwners(h, "applications");
    expect([...stored].filter((k) => k.startsWith(`${appId}|`))).toEqual([]);
    expect(stored).toEqual((await truthOwners(t.tenantId)).applications);
    expect(finish.records.find((r) => r.type === "applicationOwners")?.total).toBe(stored.size);
  });
});

describe("a link kind's checkpoints", () => {
  // Regression: a call that died after writing a group's links but before its checkpoint left them stored, and the
  // call that read the group again saw them as there already: the run's adds came out short of what it added.
  it("a call that dies between a group's writes and its checkpoint is resumed counting every owner link once", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 4, applications: 70 } });
    const h = await harness(t);
    const m = resourceOf("applicationOwners");
    let puts = 0;
    const state = Object.create(h.stores.state) as SyncStateStore;
    // The first put starts the run, the next two checkpoint groups 1 and 2: the third dies after group 2's links are written.
    state.put = async (tenantId, key, s) => {
      if (++puts === 3) throw new Error("process killed");
      return h.stores.state.put(tenantId, key, s);
    };
    const input = { tenantId: t.tenantId, module: m, runId: "run-1", fullScan: false, scope: everything, scopeHash: scopeHash(null), budgetMs: 600_000, fullPassMs: 86_400_000 };
    await expect(runPerParent({ graph: h.graph, stores: { ...h.stores, state } }, input)).rejects.toThrow("process killed");
    expect(await h.stores.state.get(t.tenantId, "applicationOwners")).toMatchObject({ status: "running", seq: 1 });
    const done = await runPerParent({ graph: h.graph, stores: h.stores }, input);
    expect(done.done).toBe(true);
    const truth = (await truthOwners(t.tenantId)).applications;
    expect(truth.size).toBeGreaterThan(40);
    expect(await storedOwners(h, "applications")).toEqual(truth);
    expect(done.counters.links?.["applicationOwners"]).toEqual({ adds: truth.size, removes: 0 });
    const s = await h.stores.state.get(t.tenantId, "applicationOwners");
    expect(s && linkTotal(s, { nav: "owners", store: "applicationOwners", parent: "applications", stream: "applicationOwners", single: false })).toBe(truth.size);
  });
});

describe("owners of every parent type through the API", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.stop();
  });

  it("GET /tenants/{id}/objects/owners lists group, application and service-principal owners, paged across the stores", async () => {
    const { id } = await addTenant(api, { spec: { users: 60, groups: 8, applications: 20 }, settings: { objectTypes: [...TYPES] } });
    await syncAndWait(api, id);
    const truth = await truthOwners(id);
    const all = new Set([...truth.groups, ...truth.applications, ...truth.servicePrincipals]);
    // Regression: a page that filled at a bucket's (or store's) last row resumed after that row's key in the next
    // bucket, skipping its smaller keys. Small pages cross every boundary; each owner comes exactly once.
    const got: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await api.call("GET", `/tenants/${id}/objects/owners?pageSize=7${token ? `&continuationToken=${encodeURIComponent(token)}` : ""}`, { token: api.reader });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: Array<{ parentId: string; ownerId: string; type: string }>; continuationToken?: string };
      expect(body.items.length).toBeLessThanOrEqual(7);
      for (const o of body.items) {
        expect(o.type).toBe("user");
        got.push(`${o.parentId}|${o.ownerId}`);
      }
      token = body.continuationToken;
      pages++;
    } while (token && pages < 500);
    expect(got.length).toBe(all.size);
    expect(new Set(got)).toEqual(all);
    // A link kind's own name lists its store alone.
    const apps = (await (await api.call("GET", `/tenants/${id}/objects/applicationOwners?pageSize=1000`, { token: api.reader })).json()) as { items: Array<{ parentId: string; ownerId: string }> };
    expect(new Set(apps.items.map((o) => `${o.parentId}|${o.ownerId}`))).toEqual(truth.applications);
  });
});
