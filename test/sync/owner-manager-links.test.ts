import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTenant, syncAndWait } from "../api/helpers.js";
import { startApi, type TestApi } from "../support/api.js";
import type { Harness } from "../support/sync.js";
import { createSimTenant, simGet, simPost } from "../support/sim.js";
import { expectEqualToTruth, harness, syncOnce } from "../support/sync.js";
import { deltaPage, fakeGraph, freshStores, round, stored, tokenOf } from "./fake-graph.js";
import { everything } from "../../src/domain/filters.js";
import { resourceOf } from "../../src/graph/resources/index.js";
import { freshState, selectHashOf } from "../../src/sync/stream-state.js";

interface OwnerRow {
  readonly parentType: string;
  readonly parentId: string;
  readonly ownerId: string;
}
interface ManagerRow {
  readonly userId: string;
  readonly managerId: string;
}

/** Group owners and user managers in the simulator's truth, as `parent|target` keys. */
async function truthLinks(tenantId: string): Promise<{ owners: Set<string>; managers: Set<string> }> {
  const owners = await simGet<OwnerRow[]>(`/_sim/${tenantId}/truth/owners`);
  const managers = await simGet<ManagerRow[]>(`/_sim/${tenantId}/truth/managers`);
  return {
    // Application and service-principal owners are not on delta (application-delta.md): only groups' come from it.
    owners: new Set(owners.filter((o) => o.parentType === "groups").map((o) => `${o.parentId}|${o.ownerId}`)),
    managers: new Set(managers.map((m) => `${m.userId}|${m.managerId}`)),
  };
}

async function storedLinks(h: Harness, store: "groupOwners" | "userManagers"): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const l of h.stores.members.all(store)) {
    // Every owner and manager the simulator makes is a user: the type is stored from `@odata.type`.
    expect(l.memberType).toBe("user");
    out.add(`${l.containerId}|${l.memberId}`);
  }
  return out;
}

/** Keys `parent|target` of `a` not in `b`, but for those whose parent is in `parents` or target in `targets`. */
const minus = (a: ReadonlySet<string>, b: ReadonlySet<string>, parents: ReadonlySet<string> = new Set(), targets: ReadonlySet<string> = new Set()): number =>
  [...a].filter((k) => {
    const [parent = "", target = ""] = k.split("|");
    return !b.has(k) && !parents.has(parent) && !targets.has(target);
  }).length;

describe("owners and managers as link types, from delta", () => {
  it("a first sync stores every group owner and user manager; a delta run after mutations applies exactly what changed", async () => {
    const t = await createSimTenant({ spec: { users: 160, groups: 12, applications: 3 } });
    const h = await harness(t);
    const types = ["users", "groups"] as const;
    const first = await syncOnce(h, { runId: "run-1", types });
    expect(first.finish.status).toBe("succeeded");
    const before = await truthLinks(t.tenantId);
    expect(before.owners.size).toBeGreaterThan(0);
    expect(before.managers.size).toBeGreaterThan(0);
    expect(await storedLinks(h, "groupOwners")).toEqual(before.owners);
    expect(await storedLinks(h, "userManagers")).toEqual(before.managers);
    // The objects themselves stay as they were: owners and manager are links, not properties.
    await expectEqualToTruth(h, types);
    const byType = new Map(first.finish.records.map((r) => [r.type, r]));
    expect(byType.get("owners")?.total).toBe(before.owners.size);
    expect(byType.get("managers")?.total).toBe(before.managers.size);
    const memberships = byType.get("memberships")?.total;

    const { applied } = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 5, count: 80 })) as { applied: Array<{ type: string; id: string; kind: string }> };
    // Uncounted in the link record, as for memberships: a deleted parent's links go with it, and a
    // soft-deleted target's are hidden, not removed (Graph keeps them for a restore, concepts/delta-query-groups.md).
    const ids = (type: string, kinds: readonly string[]) => new Set(applied.filter((a) => a.type === type && kinds.includes(a.kind)).map((a) => a.id));
    const hidden = ids("users", ["softDelete"]);
    expect(applied.some((a) => a.type === "owners")).toBe(true);
    expect(applied.some((a) => a.type === "managers")).toBe(true);
    const after = await truthLinks(t.tenantId);

    const second = await syncOnce(h, { runId: "run-2", types });
    expect(second.finish.status).toBe("succeeded");
    for (const ty of types) expect(second.streams.get(ty)?.mode).toBe("delta");
    expect(await storedLinks(h, "groupOwners")).toEqual(after.owners);
    expect(await storedLinks(h, "userManagers")).toEqual(after.managers);
    await expectEqualToTruth(h, types);
    const records = new Map(second.finish.records.map((r) => [r.type, r]));
    const owners = records.get("owners");
    const managers = records.get("managers");
    expect({ changed: owners?.changed, deleted: owners?.deleted, total: owners?.total }).toEqual({ changed: minus(after.owners, before.owners), deleted: minus(before.owners, after.owners, ids("groups", ["hardDelete", "softDelete"]), hidden), total: after.owners.size });
    expect({ changed: managers?.changed, deleted: managers?.deleted, total: managers?.total }).toEqual({ changed: minus(after.managers, before.managers), deleted: minus(before.managers, after.managers, ids("users", ["hardDelete", "softDelete"]), hidden), total: after.managers.size });
    // Memberships keep their own record beside the owners'.
    expect(records.get("memberships")?.total).toBeGreaterThan(0);
    expect(memberships).toBeGreaterThan(0);
  });
});

describe("a user's manager, a single-valued link", () => {
  const ref = (id: string) => ({ "@odata.type": "#microsoft.graph.user", id });
  const user = (id: string, extra: Record<string, unknown> = {}) => ({ id, displayName: id, userPrincipalName: `${id}@contoso.test`, ...extra });

  it("a new manager replaces the stored one even when Graph sends no removal for the old one, and a deleted user's manager link goes with it", async () => {
    const { source, calls } = fakeGraph((url) => {
      if (url.pathname !== "/v1.0/users/delta") throw new Error(`unexpected ${url.pathname}`);
      const token = tokenOf(url);
      if (token === "") return deltaPage("users", [user("u1", { "manager@delta": [ref("m1")] }), user("u2", { "manager@delta": [ref("m1")] }), user("m1"), user("m2")], { delta: "d1" });
      // u1's manager changes to m2 with only the new reference; u2 is deleted for good.
      return deltaPage("users", [{ id: "u1", "manager@delta": [ref("m2")] }, { id: "u2", "@removed": { reason: "deleted" } }], { delta: "d2" });
    });
    const stores = await freshStores("mgr-t");
    const first = await round(stores, source, "mgr-t", "run-1", ["users"]);
    expect(calls[0]?.url.searchParams.get("$select")?.split(",")).toContain("manager");
    expect(first.finish.records.find((r) => r.type === "managers")?.total).toBe(2);
    const links = async () => {
      const out: string[] = [];
      for await (const l of stores.members.all("userManagers")) out.push(`${l.containerId}|${l.memberId}`);
      return out.sort();
    };
    expect(await links()).toEqual(["u1|m1", "u2|m1"]);
    // The manager is a link, not a property of the user record.
    expect((await stored(stores, "users")).get("u1")).not.toHaveProperty("manager");

    const second = await round(stores, source, "mgr-t", "run-2", ["users"]);
    expect(await links()).toEqual(["u1|m2"]);
    const record = second.finish.records.find((r) => r.type === "managers");
    expect({ changed: record?.changed, deleted: record?.deleted, total: record?.total }).toEqual({ changed: 1, deleted: 1, total: 1 });
  });
});

describe("owners and managers through the API", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.stop();
  });

  it("browses group owners and user managers at GET /tenants/{id}/objects/{owners,managers}, named as the truth names them", async () => {
    const { id } = await addTenant(api, { spec: { users: 50, groups: 5 }, settings: { objectTypes: ["users", "groups"] } });
    await syncAndWait(api, id);
    const browse = async <T>(type: string) => ((await (await api.call("GET", `/tenants/${id}/objects/${type}?pageSize=1000`, { token: api.reader })).json()) as { items: T[] }).items;
    const owners = await browse<{ parentId: string; ownerId: string; type: string }>("owners");
    const truth = await truthLinks(id);
    expect(truth.owners.size).toBeGreaterThan(0);
    expect(truth.managers.size).toBeGreaterThan(0);
    expect(new Set(owners.map((o) => `${o.parentId}|${o.ownerId}`))).toEqual(truth.owners);
    expect(owners.every((o) => o.type === "user")).toBe(true);
    const managers = await browse<{ userId: string; managerId: string }>("managers");
    expect(new Set(managers.map((m) => `${m.userId}|${m.managerId}`))).toEqual(truth.managers);
  });
});

describe("a deltaLink made with another $select", () => {
  // Regression: a deltaLink saved before owners and manager joined $select would never report them; the select change scans in full once.
  it("scans in full when the module's select changed since the link was made, and resumes delta when it did not", () => {
    const users = resourceOf("users");
    const input = { tenantId: "t", module: users, runId: "run-2", fullScan: false, scope: everything, scopeHash: "h", budgetMs: 1000 };
    const saved = { ...freshState({ ...input, runId: "run-1" }, undefined, true, Date.now), deltaLink: "https://graph.microsoft.com/v1.0/users/delta?$deltatoken=x" };
    expect(freshState(input, saved, true, Date.now).mode).toBe("delta");
    const before = { ...saved, selectHash: selectHashOf(users.select.filter((p) => p !== "manager")) };
    expect(freshState(input, before, true, Date.now).mode).toBe("full");
    const { selectHash: _gone, ...older } = saved;
    expect(freshState(input, older, true, Date.now).mode).toBe("full");
  });
});
