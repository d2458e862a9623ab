import { isDeepStrictEqual } from "node:util";
import type { Json } from "../../../src/domain/graph-object.js";
import type { SyncedType } from "../../../src/domain/synced.js";
import { RESOURCES, resourceOf } from "../../../src/graph/resources/index.js";
import type { SyncStores } from "../../../src/sync/stores.js";
import type { SimApi } from "./sim-api.js";

export interface Check {
  readonly ok: boolean;
  /** What was compared, in words (goes into the report). */
  readonly what: string;
  /** The first few differences. */
  readonly problems: readonly string[];
}

const MAX_PROBLEMS = 10;

/**
 * The store holds exactly the ground truth: every object with every selected
 * property, every group membership and role assignment. The same comparison
 * as test/support/sync.ts expectEqualToTruth, without vitest.
 */
export async function compareStoreToTruth(sim: SimApi, tenantId: string, stores: SyncStores, types: readonly SyncedType[] = RESOURCES.filter((r) => r.mode === "delta" || r.mode === "list").map((r) => r.type)): Promise<Check> {
  const problems: string[] = [];
  const problem = (p: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let failed = false;
  for (const type of types) {
    const m = resourceOf(type);
    const select = ["id", ...m.select.filter((p) => p !== "members")].join(",");
    const truth = await sim.get<Array<Record<string, Json>>>(`/_sim/${tenantId}/truth/${type}?select=${select}`);
    const stored = new Map<string, Record<string, Json>>();
    for await (const row of stores.objects.list(type)) stored.set(row.id, row.data);
    if (stored.size !== truth.length) {
      failed = true;
      problem(`${type}: ${stored.size} stored, ${truth.length} in the directory`);
    }
    for (const o of truth) {
      const id = typeof o.id === "string" ? o.id : JSON.stringify(o.id);
      const got = stored.get(id);
      if (!isDeepStrictEqual(got, o)) {
        failed = true;
        problem(`${type} ${id}: ${got ? "differs" : "missing"}`);
      }
    }
  }
  if (types.includes("groups")) {
    const truth = await sim.get<Array<{ groupId: string; memberId: string }>>(`/_sim/${tenantId}/truth/memberships`);
    const expected = truth.map((l) => `${l.groupId}|${l.memberId}`).sort();
    const got: string[] = [];
    for await (const l of stores.members.all("groups")) got.push(`${l.containerId}|${l.memberId}`);
    got.sort();
    if (!isDeepStrictEqual(got, expected)) {
      failed = true;
      problem(`memberships: ${got.length} stored, ${expected.length} in the directory${got.length === expected.length ? " (different links)" : ""}`);
    }
  }
  if (types.includes("directoryRoles")) {
    const truth = await sim.get<Array<{ roleId: string; memberId: string }>>(`/_sim/${tenantId}/truth/roleMemberships`);
    const expected = truth.map((l) => `${l.roleId}|${l.memberId}`).sort();
    const got: string[] = [];
    for await (const l of stores.members.all("directoryRoles")) got.push(`${l.containerId}|${l.memberId}`);
    got.sort();
    if (!isDeepStrictEqual(got, expected)) {
      failed = true;
      problem(`role assignments: ${got.length} stored, ${expected.length} in the directory`);
    }
  }
  return { ok: !failed, what: "store equals the directory: every object and selected property, every membership and role assignment", problems };
}

/** Per-type numbers against the simulator's truth counts (the check of the fake store, which keeps no object data). */
export function compareCounts(what: string, got: Readonly<Record<string, number>>, truth: Readonly<Record<string, number>>): Check {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(got)) {
    const t = truth[k];
    if (t !== v) problems.push(`${k}: ${v} vs ${t ?? "?"} in the directory`);
  }
  return { ok: problems.length === 0, what, problems: problems.slice(0, MAX_PROBLEMS) };
}

/** Role assignments in the directory (not part of /truth counts). */
export async function roleAssignmentCount(sim: SimApi, tenantId: string): Promise<number> {
  return (await sim.get<unknown[]>(`/_sim/${tenantId}/truth/roleMemberships`)).length;
}
