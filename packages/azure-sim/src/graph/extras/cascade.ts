import type { MutationEntry } from "../mutate.js";
import type { GraphObject, MemberRef } from "../types.js";

export type CascadeHow = "softDelete" | "hardDelete" | "restore";

/** The visible links and assignments of the extras, as the cascade reads them. */
export interface CascadeView {
  roleAssignments(): GraphObject[];
  roleEligibilities(): GraphObject[];
  appRoleAssignments(): Iterable<GraphObject>;
  grants(): GraphObject[];
  owners(): Iterable<{ parentType: string; parentId: string; ownerId: string }>;
  managerLinksOf(userId: string): Array<{ userId: string; managerId: string }>;
  auMembersOf(auId: string): MemberRef[];
  auHolders(member: MemberRef): string[];
}

/** The link removals a hard delete makes on the other end, each reported by that end's delta. */
export interface Unlinker {
  removeOwner(parentId: string, ownerId: string): boolean;
  setManager(userId: string, managerId: string | null): boolean;
  removeAuMember(auId: string, member: MemberRef): boolean;
}

/**
 * What deleting (or restoring) object `id` does to the kinds beyond the
 * delta collections, as entries of the mutation summary: a deleted
 * principal's role assignments, eligibilities and app role assignments go
 * (unifiedroleassignment.md, approleassignment.md: assignments are to a
 * principal that exists), and so do consents naming it as client,
 * resource or principal, owner links on either end, manager links on
 * either end and administrative-unit memberships on either end. A soft
 * delete hides them and a restore brings them back ("you can fully
 * restore the item", directory-deleteditems-restore.md). Must run while
 * `id` is live: before the delete, after the restore.
 */
export function cascadeOf(x: CascadeView, id: string, how: CascadeHow): MutationEntry[] {
  const out: MutationEntry[] = [];
  const objectKind = how;
  const linkKind = how === "restore" ? "memberAdd" : "memberRemove";
  for (const a of x.roleAssignments()) if (a["principalId"] === id) out.push({ type: "roleAssignments", id: a.id, kind: objectKind, cascade: true });
  for (const a of x.roleEligibilities()) if (a["principalId"] === id) out.push({ type: "roleEligibilities", id: a.id, kind: objectKind, cascade: true });
  for (const a of x.appRoleAssignments()) {
    if (a["principalId"] === id || a["resourceId"] === id) out.push({ type: "appRoleAssignments", id: a.id, kind: objectKind, parentId: a["resourceId"] as string, cascade: true });
  }
  for (const g of x.grants()) {
    if (g["clientId"] === id || g["resourceId"] === id || g["principalId"] === id) out.push({ type: "oauth2PermissionGrants", id: g.id, kind: objectKind, cascade: true });
  }
  for (const o of x.owners()) {
    if (o.parentId === id || o.ownerId === id) out.push({ type: "owners", id: o.parentId, kind: linkKind, memberId: o.ownerId, parentId: o.parentId, cascade: true });
  }
  for (const m of x.managerLinksOf(id)) out.push({ type: "managers", id: m.userId, kind: objectKind, memberId: m.managerId, cascade: true });
  for (const m of x.auMembersOf(id)) out.push({ type: "administrativeUnitMembers", id, kind: linkKind, memberId: m.id, parentId: id, cascade: true });
  for (const au of x.auHolders({ id, kind: "user" })) out.push({ type: "administrativeUnitMembers", id: au, kind: linkKind, memberId: id, parentId: au, cascade: true });
  return out;
}

/**
 * cascadeOf, and for a hard delete the links gone from the other end too,
 * reported in that end's delta as group members are: owners@delta of the
 * owned groups, manager@delta of the reports, members@delta of the
 * administrative units. A soft delete only hides them, as it hides group
 * members (concepts/delta-query-groups.md).
 */
export function cascadeAndUnlink(x: CascadeView & Unlinker, id: string, how: CascadeHow): MutationEntry[] {
  const out = cascadeOf(x, id, how);
  if (how !== "hardDelete") return out;
  for (const e of out) {
    if (e.memberId !== id) continue;
    if (e.type === "owners") x.removeOwner(e.id, id);
    if (e.type === "managers") x.setManager(e.id, null);
    const ref = e.type === "administrativeUnitMembers" ? x.auMembersOf(e.id).find((m) => m.id === id) : undefined;
    if (ref) x.removeAuMember(e.id, ref);
  }
  return out;
}
