import type { Rand } from "../gen/random.js";
import type { Directory, MutationEntry } from "../directory.js";
import type { OwnedType } from "./kinds.js";

type Op = (dir: Directory, rand: Rand) => MutationEntry[] | undefined;

const pickOf = <T>(rand: Rand, items: readonly T[]): T | undefined => items[Math.floor(rand() * items.length)];

/** A tenant-wide or administrative-unit-scoped role assignment is added. */
const roleAssignmentAdd: Op = (dir, rand) => {
  const def = pickOf(rand, dir.extras.roleDefinitions());
  const u = dir.pick("users", rand);
  const au = rand() < 0.3 ? dir.pick("administrativeUnits", rand) : undefined;
  const a = def && u && dir.extras.addRoleAssignment(def.id, u.id, au ? `/administrativeUnits/${au.id}` : "/");
  return a ? [{ type: "roleAssignments", id: a.id, kind: "add" }] : undefined;
};

const roleAssignmentRemove: Op = (dir, rand) => {
  const a = pickOf(rand, dir.extras.roleAssignments());
  return a && dir.extras.removeRoleAssignment(a.id) ? [{ type: "roleAssignments", id: a.id, kind: "hardDelete" }] : undefined;
};

/** A user is assigned to one of the tenant's enterprise apps. */
const appRoleAssignmentAdd: Op = (dir, rand) => {
  const sp = dir.pick("servicePrincipals", rand);
  const u = dir.pick("users", rand);
  if (!sp || !u || sp["servicePrincipalType"] !== "Application") return undefined;
  const a = dir.extras.addAppRoleAssignment(sp, u, "User");
  return a ? [{ type: "appRoleAssignments", id: a.id, kind: "add", parentId: sp.id }] : undefined;
};

const appRoleAssignmentRemove: Op = (dir, rand) => {
  const sp = dir.pick("servicePrincipals", rand);
  const a = sp && pickOf(rand, dir.extras.appRoleAssignedTo(sp.id));
  return sp && a && dir.extras.removeAppRoleAssignment(sp.id, a.id) ? [{ type: "appRoleAssignments", id: a.id, kind: "hardDelete", parentId: sp.id }] : undefined;
};

const OWNED: readonly OwnedType[] = ["groups", "applications", "servicePrincipals"];

const ownerAdd: Op = (dir, rand) => {
  const type = pickOf(rand, OWNED)!;
  const parent = dir.pick(type, rand);
  const u = dir.pick("users", rand);
  return parent && u && dir.extras.addOwner(type, parent.id, u.id) ? [{ type: "owners", id: parent.id, kind: "memberAdd", memberId: u.id, parentId: parent.id }] : undefined;
};

const ownerRemove: Op = (dir, rand) => {
  const type = pickOf(rand, OWNED)!;
  const parent = dir.pick(type, rand);
  const owner = parent && pickOf(rand, dir.extras.ownersOf(parent.id));
  return parent && owner && dir.extras.removeOwner(parent.id, owner) ? [{ type: "owners", id: parent.id, kind: "memberRemove", memberId: owner, parentId: parent.id }] : undefined;
};

/** A user gets a new manager, or (now and then) none. */
const managerSet: Op = (dir, rand) => {
  const u = dir.pick("users", rand);
  if (!u) return undefined;
  if (rand() < 0.2) return dir.extras.setManager(u.id, null) ? [{ type: "managers", id: u.id, kind: "hardDelete" }] : undefined;
  const m = dir.pick("users", rand);
  const had = dir.extras.managerOf(u.id) !== undefined;
  return m && dir.extras.setManager(u.id, m.id) ? [{ type: "managers", id: u.id, kind: had ? "update" : "add", memberId: m.id }] : undefined;
};

/** A user or device joins an administrative unit (administrativeunit-post-members.md). */
const auMemberAdd: Op = (dir, rand) => {
  const au = dir.pick("administrativeUnits", rand);
  const type = rand() < 0.8 ? "users" : "devices";
  const m = dir.pick(type, rand);
  if (!au || !m) return undefined;
  const member = { id: m.id, kind: type === "users" ? "user" : "device" } as const;
  return dir.extras.addAuMember(au.id, member) ? [{ type: "administrativeUnitMembers", id: au.id, kind: "memberAdd", memberId: m.id, parentId: au.id }] : undefined;
};

const auMemberRemove: Op = (dir, rand) => {
  const au = dir.pick("administrativeUnits", rand);
  const m = au && pickOf(rand, dir.extras.auMembersOf(au.id));
  return au && m && dir.extras.removeAuMember(au.id, m) ? [{ type: "administrativeUnitMembers", id: au.id, kind: "memberRemove", memberId: m.id, parentId: au.id }] : undefined;
};

/** An admin consent is granted or revoked (oauth2permissiongrant-delta.md reports both). */
const grantAdd: Op = (dir, rand) => {
  const client = dir.pick("servicePrincipals", rand);
  const resource = dir.pick("servicePrincipals", rand);
  const g = client && resource && dir.extras.addGrant(client, resource, "User.Read");
  return g ? [{ type: "oauth2PermissionGrants", id: g.id, kind: "add" }] : undefined;
};

const grantRemove: Op = (dir, rand) => {
  const g = pickOf(rand, dir.extras.grants());
  return g && dir.extras.removeGrant(g.id) ? [{ type: "oauth2PermissionGrants", id: g.id, kind: "hardDelete" }] : undefined;
};

/** Operations on the extras and their weights, appended to the directory's own. */
export const EXTRA_OPS: ReadonlyArray<readonly [Op, number]> = [
  [roleAssignmentAdd, 2],
  [roleAssignmentRemove, 1],
  [appRoleAssignmentAdd, 3],
  [appRoleAssignmentRemove, 2],
  [ownerAdd, 2],
  [ownerRemove, 1],
  [managerSet, 3],
  [grantAdd, 1],
  [grantRemove, 1],
  [auMemberAdd, 2],
  [auMemberRemove, 1],
];
