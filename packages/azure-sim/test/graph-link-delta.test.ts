import type { Client } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { OBJECT_TYPES } from "../src/model.js";
import { expectedExtraCounts, type AppliedChange, type ExtraKind } from "../src/graph/expected-changes.js";
import { simGet, simPost } from "../../../test/support/sim.js";
import { all, extrasTenant, type Row } from "./extras-support.js";

type Link = { "@odata.type"?: string; id: string; "@removed"?: { reason: string } };
/** parent → linked IDs, as a client keeps them from `<nav>@delta`. */
type Links = Map<string, Set<string>>;

/** Applies one delta round's `<nav>@delta` annotations (and removed parents) to `state`. */
function apply(state: Links, items: Row[], nav: string, single = false): void {
  for (const o of items) {
    if (o["@removed"]) {
      state.delete(o.id);
      continue;
    }
    const entries = o[`${nav}@delta`] as Link[] | undefined;
    if (!entries) continue;
    const set = single ? new Set<string>() : (state.get(o.id) ?? new Set<string>());
    for (const e of entries) {
      if (e["@removed"]) set.delete(e.id);
      else set.add(e.id);
    }
    state.set(o.id, set);
  }
}

/** Ground truth as the same map, and the IDs of live users, groups and devices. */
async function truthOf(tenantId: string, kind: string, parent: string, member: string): Promise<Links> {
  const rows = await simGet<Array<Record<string, string>>>(`/_sim/${tenantId}/truth/${kind}`);
  const out: Links = new Map();
  for (const r of rows) out.set(r[parent]!, new Set([...(out.get(r[parent]!) ?? []), r[member]!]));
  return out;
}

async function liveIds(tenantId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const type of ["users", "groups", "devices"]) for (const o of await simGet<Row[]>(`/_sim/${tenantId}/truth/${type}?select=id`)) ids.add(o.id);
  return ids;
}

/**
 * Links a hard delete took (the last change of each link), on parents live
 * at the end: each must come back as an `@removed` entry of the parent's
 * `<nav>@delta`.
 */
function hardCascades(applied: readonly AppliedChange[], type: string, liveParents: Set<string>): AppliedChange[] {
  const hard = new Set(applied.filter((a) => a.kind === "hardDelete" && (a.type === "users" || a.type === "devices")).map((a) => a.id));
  const same = (a: AppliedChange, b: AppliedChange) => b.type === a.type && b.id === a.id && b.memberId === a.memberId;
  return applied.filter((a, i) => a.type === type && a.cascade && hard.has(a.memberId ?? "") && liveParents.has(a.id) && !applied.slice(i + 1).some((b) => same(a, b)));
}

function removedIn(items: Row[], parentId: string, nav: string, memberId: string): boolean {
  return items.some((o) => o.id === parentId && (o[`${nav}@delta`] as Link[] | undefined)?.some((m) => m.id === memberId && m["@removed"]) === true);
}

/** A client keeps links to soft-deleted objects hidden, as Graph does: compare only the live ones, and drop empty parents. */
function visible(state: Links, live: Set<string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [p, ids] of state) {
    const v = [...ids].filter((id) => live.has(id)).sort();
    if (v.length > 0) out[p] = v;
  }
  return out;
}

async function mutate(tenantId: string, seed: number, count: number): Promise<AppliedChange[]> {
  return ((await simPost(`/_sim/${tenantId}/mutations`, { seed, count })) as { applied: AppliedChange[] }).applied;
}

async function round(client: Client, url: string): Promise<{ items: Row[]; deltaLink: string }> {
  const r = await all<Row>(client, url);
  expect(r.deltaLink).toBeDefined();
  return { items: r.items, deltaLink: r.deltaLink! };
}

describe("simulated Graph: owners, manager and administrative-unit members on delta", () => {
  it("reports administrativeUnits members@delta in the initial round and their additions and removals after mutations", async () => {
    const { t, client } = await extrasTenant({ spec: { administrativeUnits: 6 } });
    const first = await round(client, "/administrativeUnits/delta?$select=displayName,members");
    const state: Links = new Map();
    apply(state, first.items, "members");
    const truth0 = await truthOf(t.tenantId, "administrativeUnitMembers", "administrativeUnitId", "memberId");
    expect(visible(state, await liveIds(t.tenantId))).toEqual(visible(truth0, await liveIds(t.tenantId)));
    expect(first.items.some((o) => (o["members@delta"] as Link[] | undefined)?.some((m) => m["@odata.type"] === "#microsoft.graph.device"))).toBe(true);

    const applied = await mutate(t.tenantId, 5, 400);
    expect(applied.some((a) => a.type === "administrativeUnitMembers" && a.kind === "memberAdd" && !a.cascade)).toBe(true);
    expect(applied.some((a) => a.type === "administrativeUnitMembers" && a.kind === "memberRemove" && !a.cascade)).toBe(true);
    const next = await round(client, first.deltaLink);
    expect(next.items.some((o) => (o["members@delta"] as Link[] | undefined)?.some((m) => m["@removed"]))).toBe(true);
    const aus = new Set((await simGet<Row[]>(`/_sim/${t.tenantId}/truth/administrativeUnits?select=id`)).map((o) => o.id));
    const gone = hardCascades(applied, "administrativeUnitMembers", aus);
    expect(gone.length).toBeGreaterThan(0);
    for (const a of gone) expect({ a, reported: removedIn(next.items, a.id, "members", a.memberId!) }).toEqual({ a, reported: true });
    apply(state, next.items, "members");
    const live = await liveIds(t.tenantId);
    expect(visible(state, live)).toEqual(visible(await truthOf(t.tenantId, "administrativeUnitMembers", "administrativeUnitId", "memberId"), live));
  });

  it("reports group owners@delta only when owners is selected, initially and after owner changes", async () => {
    const { t, client } = await extrasTenant({ spec: { groups: 20 } });
    const plain = await round(client, "/groups/delta?$select=displayName");
    expect(plain.items.some((o) => "owners@delta" in o || "members@delta" in o)).toBe(false);
    const first = await round(client, "/groups/delta?$select=displayName,owners");
    expect(first.items.some((o) => "members@delta" in o)).toBe(false);
    const state: Links = new Map();
    apply(state, first.items, "owners");
    const ownersOfGroups = async () => {
      const rows = await simGet<Array<Record<string, string>>>(`/_sim/${t.tenantId}/truth/owners`);
      const out: Links = new Map();
      for (const r of rows) if (r["parentType"] === "groups") out.set(r["parentId"]!, new Set([...(out.get(r["parentId"]!) ?? []), r["ownerId"]!]));
      return out;
    };
    const live0 = await liveIds(t.tenantId);
    expect(Object.keys(visible(state, live0)).length).toBeGreaterThan(0);
    expect(visible(state, live0)).toEqual(visible(await ownersOfGroups(), live0));

    // With members selected too, both links come on the same objects.
    const both = await round(client, "/groups/delta?$select=displayName,members,owners");
    const bothOwners: Links = new Map();
    apply(bothOwners, both.items, "owners");
    expect(visible(bothOwners, live0)).toEqual(visible(state, live0));
    expect(both.items.some((o) => "members@delta" in o && "owners@delta" in o)).toBe(true);

    const applied = await mutate(t.tenantId, 7, 500);
    const groupOwnerChanges = applied.filter((a) => a.type === "owners" && !a.cascade && first.items.some((g) => g.id === a.id));
    expect(groupOwnerChanges.length).toBeGreaterThan(0);
    const next = await round(client, first.deltaLink);
    apply(state, next.items, "owners");
    const live = await liveIds(t.tenantId);
    expect(visible(state, live)).toEqual(visible(await ownersOfGroups(), live));
  });

  it("never reports owners on applications or servicePrincipals delta: their owners are listed per parent", async () => {
    const { client } = await extrasTenant();
    for (const type of ["applications", "servicePrincipals"]) {
      const r = await round(client, `/${type}/delta?$select=displayName,owners`);
      expect(r.items.length).toBeGreaterThan(0);
      expect(r.items.some((o) => "owners@delta" in o || "owners" in o)).toBe(false);
    }
  });

  it("reports a user's manager@delta with $select=manager, initially and after manager changes and deletes", async () => {
    const { t, client } = await extrasTenant();
    // $expand on delta is ignored (microsoftgraph/microsoft-graph-docs#6194): only $select=manager brings the manager.
    const plain = await round(client, "/users/delta?$select=displayName&$expand=manager");
    expect(plain.items.some((o) => "manager@delta" in o || "manager" in o)).toBe(false);
    const first = await round(client, "/users/delta?$select=displayName,manager");
    expect(first.items.some((o) => "manager" in o)).toBe(false);
    const state: Links = new Map();
    apply(state, first.items, "manager", true);
    const live0 = await liveIds(t.tenantId);
    const truth0 = await truthOf(t.tenantId, "managers", "userId", "managerId");
    expect(Object.keys(visible(truth0, live0)).length).toBeGreaterThan(50);
    expect(visible(state, live0)).toEqual(visible(truth0, live0));

    const applied = await mutate(t.tenantId, 13, 400);
    expect(applied.some((a) => a.type === "managers" && !a.cascade)).toBe(true);
    expect(applied.some((a) => a.type === "users" && a.kind === "hardDelete")).toBe(true);
    const next = await round(client, first.deltaLink);
    expect(next.items.some((o) => (o["manager@delta"] as Link[] | undefined)?.some((m) => m["@removed"]))).toBe(true);
    const gone = hardCascades(applied, "managers", await liveIds(t.tenantId));
    expect(gone.length).toBeGreaterThan(0);
    for (const a of gone) expect({ a, reported: removedIn(next.items, a.id, "manager", a.memberId!) }).toEqual({ a, reported: true });
    apply(state, next.items, "manager", true);
    const live = await liveIds(t.tenantId);
    expect(visible(state, live)).toEqual(visible(await truthOf(t.tenantId, "managers", "userId", "managerId"), live));
  });

  it("moves every new kind's ground-truth count by the oracle's net after batches with deletes and restores", async () => {
    const { t } = await extrasTenant({ spec: { users: 80 } });
    const kinds: ExtraKind[] = ["roleAssignments", "roleEligibilities", "appRoleAssignments", "oauth2PermissionGrants", "owners", "managers", "administrativeUnitMembers"];
    let cascades = 0;
    for (const seed of [21, 22, 23]) {
      const before = (await simGet<{ counts: Record<string, number> }>(`/_sim/${t.tenantId}/truth`)).counts;
      const applied = await mutate(t.tenantId, seed, 250);
      cascades += applied.filter((a) => a.cascade && kinds.includes(a.type as ExtraKind)).length;
      const after = (await simGet<{ counts: Record<string, number> }>(`/_sim/${t.tenantId}/truth`)).counts;
      for (const kind of kinds) expect({ kind, count: after[kind] }).toEqual({ kind, count: before[kind]! + expectedExtraCounts(applied, kind).net });
    }
    expect(cascades).toBeGreaterThan(0);
  });

  it("counts every kind under its type name in /_sim/{tenantId}/truth, each equal to its truth rows after mutations", async () => {
    const { t } = await extrasTenant();
    await mutate(t.tenantId, 31, 200);
    const { counts } = await simGet<{ counts: Record<string, number> }>(`/_sim/${t.tenantId}/truth`);
    expect(Object.keys(counts).sort()).toEqual([...OBJECT_TYPES].sort());
    for (const type of OBJECT_TYPES) {
      const rows = await simGet<unknown[]>(`/_sim/${t.tenantId}/truth/${type}`);
      expect({ type, rows: rows.length }).toEqual({ type, rows: counts[type] });
    }
  });
});
