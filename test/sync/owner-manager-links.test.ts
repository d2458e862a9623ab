import { describe, expect, it } from "vitest";
import type { Harness } from "../support/sync.js";
import { createSimTenant, simGet, simPost } from "../support/sim.js";
import { expectEqualToTruth, harness, syncOnce } from "../support/sync.js";

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
