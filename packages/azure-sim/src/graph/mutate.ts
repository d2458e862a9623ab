import { prng } from "../ids.js";
import type { AddableType, Directory, MutableType, RestorableType } from "./directory.js";
import { DEPARTMENTS, JOB_TITLES, PLACES } from "./gen/names.js";
import { pick, type Rand } from "./gen/random.js";
import { EXTRA_OPS } from "./extras/mutations.js";
import type { ChangeKind, ContainerType, GraphObject, JsonObject, MemberRef } from "./types.js";

/**
 * One applied mutation. Member changes have type "memberships" (group
 * links) or "directoryRoles" with kind memberAdd/memberRemove, and id = the
 * group (role).
 */
export interface MutationEntry {
  readonly type:
    | MutableType
    | "memberships"
    | "directoryRoles"
    | "roleAssignments"
    | "roleEligibilities"
    | "appRoleAssignments"
    | "owners"
    | "managers"
    | "oauth2PermissionGrants"
    | "administrativeUnitMembers";
  readonly id: string;
  readonly kind: ChangeKind;
  readonly groupId?: string;
  readonly memberId?: string;
  /** A link removal caused by deleting the member. */
  readonly cascade?: true;
  /** The service principal of an app role assignment; the owned object of an owner link. */
  readonly parentId?: string;
}

type Op = (dir: Directory, rand: Rand) => MutationEntry[] | undefined;

/** A random live member of a group or role, or undefined when a few tries find none. */
function pickMember(dir: Directory, type: ContainerType, id: string, rand: Rand): MemberRef | undefined {
  const links = dir.links(type);
  const positions = links.positions(id);
  for (let t = 0; t < 32 && positions > 0; t++) {
    const m = links.slice(id, Math.floor(rand() * positions), 1).members[0];
    if (m && dir.isLive(m)) return m;
  }
  return undefined;
}

/** A different value than `current`, so an update is a real change. */
function other<T>(rand: Rand, items: readonly T[], current: unknown): T {
  const v = pick(rand, items);
  return v === current ? items[(items.indexOf(v) + 1) % items.length]! : v;
}

const userUpdate: Op = (dir, rand) => {
  const u = dir.pick("users", rand);
  if (!u) return undefined;
  const patch: JsonObject = {};
  const fields = 1 + Math.floor(rand() * 3);
  for (let f = 0; f < fields; f++) {
    const which = Math.floor(rand() * 4);
    if (which === 0) patch.department = other(rand, DEPARTMENTS, u.department);
    else if (which === 1) patch.jobTitle = other(rand, JOB_TITLES, u.jobTitle);
    else if (which === 2) patch.displayName = `${text(u.givenName)} ${text(u.surname)}-${Math.floor(rand() * 1000)}`;
    else {
      const [country, city, usageLocation] = other(rand, PLACES, undefined);
      Object.assign(patch, { country, city, usageLocation });
    }
  }
  return dir.update("users", u.id, patch) ? [{ type: "users", id: u.id, kind: "update" }] : undefined;
};

const remove =
  (type: AddableType, kind: "softDelete" | "hardDelete" | "byGroupType"): Op =>
  (dir, rand) => {
    const o = dir.pick(type, rand);
    // The large group stays, so every tenant keeps one; so do the apps clients sign in with.
    if (!o || (type === "groups" && dir.isLargeGroup(o.id)) || dir.isFixed(o.id)) return undefined;
    // Microsoft 365 groups are restorable (soft); security groups are gone for good.
    const k = kind !== "byGroupType" ? kind : Array.isArray(o.groupTypes) && o.groupTypes.includes("Unified") ? "softDelete" : "hardDelete";
    const cascade = dir.delete(type, o.id, k);
    return cascade && [{ type, id: o.id, kind: k }, ...cascade];
  };

const add =
  (type: AddableType): Op =>
  (dir, rand) => {
    const o = dir.newObject(type, rand() < 0.5 ? "security" : "m365");
    return [{ type, id: o.id, kind: "add" }];
  };

const groupUpdate: Op = (dir, rand) => {
  const g = dir.pick("groups", rand);
  if (!g) return undefined;
  const patch: JsonObject =
    rand() < 0.5 ? { description: `${text(g.displayName)}, revised ${Math.floor(rand() * 10000)}` } : { displayName: `${text(g.displayName)} (${Math.floor(rand() * 100)})` };
  return dir.update("groups", g.id, patch) ? [{ type: "groups", id: g.id, kind: "update" }] : undefined;
};

const deviceUpdate: Op = (dir, rand) => {
  const d = dir.pick("devices", rand);
  if (!d) return undefined;
  const patch: JsonObject =
    rand() < 0.5
      ? { isCompliant: d.isCompliant !== true }
      : { approximateLastSignInDateTime: new Date(Date.UTC(2025, 0, 1) + Math.floor(rand() * 1e6) * 60_000).toISOString().replace(".000Z", "Z") };
  return dir.update("devices", d.id, patch) ? [{ type: "devices", id: d.id, kind: "update" }] : undefined;
};

const memberAdd: Op = (dir, rand) => {
  const g = dir.pickWritableGroup(rand);
  if (!g) return undefined;
  for (let t = 0; t < 8; t++) {
    const m = dir.pick(dir.memberPool(g.id), rand);
    if (m && dir.addMember(g.id, m.id)) return [{ type: "memberships", id: g.id, kind: "memberAdd", groupId: g.id, memberId: m.id }];
  }
  return undefined;
};

const memberRemove: Op = (dir, rand) => {
  const g = dir.pickWritableGroup(rand);
  const m = g && pickMember(dir, "groups", g.id, rand);
  if (!g || !m || !dir.removeMember(g.id, m.id)) return undefined;
  return [{ type: "memberships", id: g.id, kind: "memberRemove", groupId: g.id, memberId: m.id }];
};

/** A soft-deleted object comes back (POST /directory/deletedItems/{id}/restore). */
const restore =
  (type: RestorableType): Op =>
  (dir, rand) => {
    const id = dir.pickDeleted(type, rand);
    return id && dir.restore(id) ? [{ type, id, kind: "restore" }, ...dir.extras.cascade(id, "restore")] : undefined;
  };

/** Patches a random live object of `type` (not a SimApp) with what `patch` returns for it. */
const updateOf =
  (type: MutableType, patch: (o: GraphObject, rand: Rand) => JsonObject): Op =>
  (dir, rand) => {
    const o = dir.pick(type, rand);
    if (!o || dir.isFixed(o.id)) return undefined;
    return dir.update(type, o.id, patch(o, rand)) ? [{ type, id: o.id, kind: "update" }] : undefined;
  };

const appUpdate = updateOf("applications", (o, rand): JsonObject =>
  rand() < 0.5 ? { displayName: `${text(o.displayName)} v${Math.floor(rand() * 100)}` } : { signInAudience: o.signInAudience === "AzureADMyOrg" ? "AzureADMultipleOrgs" : "AzureADMyOrg" },
);
const spUpdate = updateOf("servicePrincipals", (o, rand): JsonObject =>
  rand() < 0.5 ? { accountEnabled: o.accountEnabled !== true } : { displayName: `${text(o.displayName)} (${Math.floor(rand() * 100)})` },
);
const auUpdate = updateOf("administrativeUnits", (o, rand) => ({ description: `${text(o.displayName)}, revised ${Math.floor(rand() * 10000)}` }));
const skuUpdate = updateOf("subscribedSkus", (o) => ({ consumedUnits: (typeof o.consumedUnits === "number" ? o.consumedUnits : 0) + 1 }));

const roleMemberAdd: Op = (dir, rand) => {
  const r = dir.pick("directoryRoles", rand);
  const u = dir.pick("users", rand);
  if (!r || !u || !dir.addRoleMember(r.id, u.id)) return undefined;
  return [{ type: "directoryRoles", id: r.id, kind: "memberAdd", memberId: u.id }];
};

const roleMemberRemove: Op = (dir, rand) => {
  const r = dir.pick("directoryRoles", rand);
  const m = r && pickMember(dir, "directoryRoles", r.id, rand);
  if (!r || !m || !dir.removeRoleMember(r.id, m)) return undefined;
  return [{ type: "directoryRoles", id: r.id, kind: "memberRemove", memberId: m.id }];
};

/** Operations and their weights. */
const OPS: ReadonlyArray<readonly [Op, number]> = [
  [add("users"), 12],
  [userUpdate, 20],
  [remove("users", "softDelete"), 6],
  [remove("users", "hardDelete"), 4],
  [add("groups"), 4],
  [groupUpdate, 6],
  [remove("groups", "byGroupType"), 2],
  [add("devices"), 5],
  [deviceUpdate, 6],
  [remove("devices", "hardDelete"), 3],
  [memberAdd, 18],
  [memberRemove, 14],
  [restore("users"), 3],
  [add("applications"), 1],
  [appUpdate, 2],
  [remove("applications", "softDelete"), 1],
  [add("servicePrincipals"), 1],
  [spUpdate, 2],
  [remove("servicePrincipals", "hardDelete"), 1],
  [roleMemberAdd, 2],
  [roleMemberRemove, 1],
  [add("administrativeUnits"), 1],
  [auUpdate, 1],
  [remove("administrativeUnits", "hardDelete"), 1],
  [skuUpdate, 1],
  ...EXTRA_OPS,
];
const TOTAL_WEIGHT = OPS.reduce((n, [, w]) => n + w, 0);

function chooseOp(u: number): Op {
  let acc = 0;
  for (const [op, w] of OPS) {
    acc += w / TOTAL_WEIGHT;
    if (u < acc) return op;
  }
  return OPS[0]![0];
}

/** `count` random mutations; an operation that finds nothing to act on is drawn again. */
export function applyMutations(dir: Directory, seed: number, count: number): MutationEntry[] {
  const rand = prng(seed);
  const applied: MutationEntry[] = [];
  let done = 0;
  for (let attempts = 0; done < count && attempts < count * 20 + 100; attempts++) {
    const entries = chooseOp(rand())(dir, rand);
    if (!entries) continue;
    applied.push(...entries);
    done++;
  }
  return applied;
}

/** A property as text for a generated name (the generated properties are strings). */
function text(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v) ?? "";
}
