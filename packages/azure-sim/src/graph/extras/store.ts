import { MemberLinks } from "../memberLinks.js";
import type { ChangeKind, ChangeRecord, GraphObject, JsonObject, LinkNav, MemberRef, ObjectType } from "../types.js";
import { cascadeAndUnlink, type CascadeHow } from "./cascade.js";
import { truthCounts, truthRows } from "./truth.js";
import type { MutationEntry } from "../mutate.js";
import { odataType } from "../types.js";
import { buildAudit, eventOf, type AuditEvent } from "./audits.js";
import { appRoleAssignment, opaqueId, roleAssignment, type ExtrasSource, type Pool } from "./build.js";
import { buildExtras, type Built } from "./initial.js";
import type { UserIndex } from "./managers.js";
import type { ExtraType, OwnedType } from "./kinds.js";

/** Appends a link change to the directory's change log (what delta and the audit feed read). */
export type LinkRecorder = (type: ObjectType, id: string, kind: ChangeKind, member: MemberRef, nav?: LinkNav) => void;

/**
 * The kinds beyond the delta collections, built from the directory on first
 * use (O(objects): managers, owners and assignments are one row each) and
 * then changed by mutations. Links whose other end is deleted are hidden,
 * as Graph hides them.
 */
export class Extras {
  private built: Built | undefined;
  private readonly audits: GraphObject[] = [];
  private auditedTo = 0;
  /** IDs of consents added or removed, in order: what /oauth2PermissionGrants/delta reports. */
  private readonly grantLog: string[] = [];

  constructor(
    private readonly src: ExtrasSource,
    private readonly changes: (from: number) => Generator<{ record: ChangeRecord; at: number }>,
    private readonly baseUsers: UserIndex,
    private readonly baseDevices: Pool,
    private readonly record: LinkRecorder,
  ) {}

  private get b(): Built {
    this.built ??= buildExtras(this.src, this.baseUsers, this.baseDevices);
    return this.built;
  }

  roleDefinitions(): GraphObject[] {
    return this.b.roleDefinitions;
  }

  roleAssignments(): GraphObject[] {
    return [...this.b.roleAssignments.values()].filter((a) => this.src.live(a["principalId"] as string));
  }

  roleEligibilities(): GraphObject[] {
    return this.b.roleEligibilities.filter((a) => this.src.live(a["principalId"] as string));
  }

  /** appRoleAssignedTo of one service principal. */
  appRoleAssignedTo(resourceId: string): GraphObject[] {
    return [...(this.b.appRoleAssignments.get(resourceId)?.values() ?? [])].filter((a) => this.src.live(a["principalId"] as string));
  }

  *appRoleAssignments(): Generator<GraphObject> {
    for (const rid of this.b.appRoleAssignments.keys()) if (this.src.live(rid)) yield* this.appRoleAssignedTo(rid);
  }

  grants(): GraphObject[] {
    return [...this.b.grants.values()].filter(
      (g) => this.src.live(g["clientId"] as string) && this.src.live(g["resourceId"] as string) && (g["principalId"] === null || this.src.live(g["principalId"] as string)),
    );
  }

  get grantSeq(): number {
    this.catchUp();
    return this.grantLog.length;
  }

  /** Consents changed after position `from` of the grant log, each once, in order of last change. */
  grantChanges(from: number, to = this.grantSeq): { live: GraphObject[]; removed: string[] } {
    this.catchUp();
    const ids = [...new Set(this.grantLog.slice(Math.max(0, from), to))];
    const byId = new Map(this.grants().map((g) => [g.id, g]));
    const live: GraphObject[] = [];
    const removed: string[] = [];
    for (const id of ids) {
      const g = byId.get(id);
      if (g) live.push(g);
      else removed.push(id);
    }
    return { live, removed };
  }

  /** An admin consent (AllPrincipals) of `client` to `resource`. */
  addGrant(client: GraphObject, resource: GraphObject, scope: string): GraphObject | undefined {
    const id = opaqueId(this.src.seed, "grant", client.id, resource.id, "all");
    if (this.b.grants.has(id) || client.id === resource.id) return undefined;
    const g: GraphObject = { id, clientId: client.id, consentType: "AllPrincipals", principalId: null, resourceId: resource.id, scope };
    this.b.grants.set(id, g);
    this.grantLog.push(id);
    this.audit({ category: "ApplicationManagement", activity: "Add delegated permission grant", operationType: "Add", targets: [{ id: client.id, type: "ServicePrincipal" }] });
    return g;
  }

  removeGrant(id: string): GraphObject | undefined {
    const g = this.b.grants.get(id);
    if (!g) return undefined;
    this.b.grants.delete(id);
    this.grantLog.push(id);
    this.audit({ category: "ApplicationManagement", activity: "Remove delegated permission grant", operationType: "Delete", targets: [{ id: g["clientId"] as string, type: "ServicePrincipal" }] });
    return g;
  }

  ownersOf(parentId: string): string[] {
    return (this.b.owners.get(parentId)?.ids ?? []).filter((id) => this.src.live(id));
  }

  *owners(): Generator<{ parentType: OwnedType; parentId: string; ownerId: string }> {
    for (const [parentId, e] of this.b.owners) if (this.src.live(parentId)) for (const ownerId of this.ownersOf(parentId)) yield { parentType: e.type, parentId, ownerId };
  }

  managerOf(userId: string): string | undefined {
    return this.b.managers.of(userId);
  }

  managers(): Generator<{ userId: string; managerId: string }> {
    return this.b.managers.all();
  }

  managerLinksOf(userId: string): Array<{ userId: string; managerId: string }> {
    return this.b.managers.linksOf(userId);
  }

  /** Live administrative units `member` is in. */
  auHolders(member: MemberRef): string[] {
    return this.b.auMembers.holders(member).filter((au) => this.src.live(au));
  }

  /** The extras' part of deleting or restoring `id` (cascade.ts). */
  cascade(id: string, how: CascadeHow): MutationEntry[] {
    return cascadeAndUnlink(this, id, how);
  }

  /** Members of administrative units, generated and changed, positions stable for delta chunks. */
  get auLinks(): MemberLinks {
    return this.b.auMembers;
  }

  auMembersOf(auId: string): MemberRef[] {
    return [...this.b.auMembers.members(auId)].filter((m) => this.src.live(m.id));
  }

  *administrativeUnitMembers(): Generator<{ administrativeUnitId: string; memberId: string; type: string }> {
    for (const auId of this.src.ids("administrativeUnits")) {
      for (const m of this.auMembersOf(auId)) yield { administrativeUnitId: auId, memberId: m.id, type: odataType(m.kind) };
    }
  }

  /** administrativeunit-post-members.md; the change shows as members@delta of the unit. */
  addAuMember(auId: string, member: MemberRef): boolean {
    if (!this.src.live(auId) || !this.src.live(member.id) || !this.b.auMembers.add(auId, member)) return false;
    this.record("administrativeUnits", auId, "memberAdd", member);
    return true;
  }

  /** administrativeunit-delete-members.md */
  removeAuMember(auId: string, member: MemberRef): boolean {
    if (!this.b.auMembers.remove(auId, member)) return false;
    this.record("administrativeUnits", auId, "memberRemove", member);
    return true;
  }

  /** The audit log, oldest first: one entry per directory change and per change made here. */
  directoryAudits(): GraphObject[] {
    this.catchUp();
    return this.audits;
  }

  /** The ground-truth rows of a kind (truth.ts). */
  rows(type: ExtraType): Iterable<JsonObject> {
    return truthRows(this, type);
  }

  counts(): Record<ExtraType, number> {
    return truthCounts(this);
  }

  managerCount(): number {
    return this.b.managers.count();
  }

  // Mutations: each changes one link or assignment and writes its audit entry.

  addRoleAssignment(roleDefinitionId: string, principalId: string, directoryScopeId: string): GraphObject | undefined {
    if (!this.src.live(principalId) || !this.b.roleDefinitions.some((d) => d.id === roleDefinitionId)) return undefined;
    const a = roleAssignment(this.src.seed, roleDefinitionId, principalId, directoryScopeId);
    if (this.b.roleAssignments.has(a.id)) return undefined;
    this.b.roleAssignments.set(a.id, a);
    this.audit({ category: "RoleManagement", activity: "Add member to role", operationType: "Assign", targets: [{ id: roleDefinitionId, type: "Role" }, { id: principalId, type: "User" }] });
    return a;
  }

  removeRoleAssignment(id: string): GraphObject | undefined {
    const a = this.b.roleAssignments.get(id);
    if (!a || !this.b.roleAssignments.delete(id)) return undefined;
    this.audit({ category: "RoleManagement", activity: "Remove member from role", operationType: "Unassign", targets: [{ id: a["roleDefinitionId"] as string, type: "Role" }, { id: a["principalId"] as string, type: "User" }] });
    return a;
  }

  addAppRoleAssignment(resource: GraphObject, principal: GraphObject, principalType: "User" | "Group" | "ServicePrincipal", appRoleId?: string): GraphObject | undefined {
    const a = appRoleAssignment(this.src.seed, resource, principal, principalType, new Date().toISOString().replace(/\.\d+Z$/, "Z"), appRoleId);
    const m = this.b.appRoleAssignments.get(resource.id) ?? new Map<string, GraphObject>();
    if (m.has(a.id)) return undefined;
    m.set(a.id, a);
    this.b.appRoleAssignments.set(resource.id, m);
    this.audit({ category: "ApplicationManagement", activity: `Add app role assignment to ${principalType === "Group" ? "group" : "user"}`, operationType: "Assign", targets: [{ id: resource.id, type: "ServicePrincipal" }, { id: principal.id, type: principalType }] });
    return a;
  }

  /** A PIM eligibility granted by an adminAssign request (writes/roles.ts). */
  addRoleEligibility(e: GraphObject): boolean {
    if (this.b.roleEligibilities.some((x) => x.id === e.id)) return false;
    this.b.roleEligibilities.push(e);
    this.audit({ category: "RoleManagement", activity: "Add eligible member to role", operationType: "Assign", targets: [{ id: e["roleDefinitionId"] as string, type: "Role" }, { id: e["principalId"] as string, type: "User" }] });
    return true;
  }

  removeAppRoleAssignment(resourceId: string, id: string): GraphObject | undefined {
    const m = this.b.appRoleAssignments.get(resourceId);
    const a = m?.get(id);
    if (!m || !a) return undefined;
    m.delete(id);
    this.audit({ category: "ApplicationManagement", activity: "Remove app role assignment from user", operationType: "Unassign", targets: [{ id: resourceId, type: "ServicePrincipal" }, { id: a["principalId"] as string, type: "User" }] });
    return a;
  }

  addOwner(parentType: OwnedType, parentId: string, ownerId: string): boolean {
    if (!this.src.live(parentId) || !this.src.live(ownerId)) return false;
    const e = this.b.owners.get(parentId) ?? { type: parentType, ids: [] };
    if (e.ids.includes(ownerId)) return false;
    e.ids.push(ownerId);
    this.b.owners.set(parentId, e);
    this.record(parentType, parentId, "memberAdd", { id: ownerId, kind: "user" }, "owners");
    return true;
  }

  removeOwner(parentId: string, ownerId: string): boolean {
    const e = this.b.owners.get(parentId);
    const i = e ? e.ids.indexOf(ownerId) : -1;
    if (!e || i < 0) return false;
    e.ids.splice(i, 1);
    this.record(e.type, parentId, "memberRemove", { id: ownerId, kind: "user" }, "owners");
    return true;
  }

  /** Sets (or with null removes) a user's manager; false when nothing changes. */
  setManager(userId: string, managerId: string | null): boolean {
    if (!this.src.live(userId) || (managerId !== null && (!this.src.live(managerId) || managerId === userId))) return false;
    const before = this.managerOf(userId);
    if ((before ?? null) === managerId || !this.b.managers.set(userId, managerId)) return false;
    // One record per change: the manager is single-valued, so delta reports only the last (changeLog.ts).
    if (managerId !== null) this.record("users", userId, "memberAdd", { id: managerId, kind: "user" }, "manager");
    else if (before !== undefined) this.record("users", userId, "memberRemove", { id: before, kind: "user" }, "manager");
    return true;
  }

  /** Pending change-log records become audit entries first, so the feed stays in time order. */
  private catchUp(): void {
    for (const { record, at } of this.changes(this.auditedTo)) {
      this.audits.push(buildAudit(this.src.seed, this.audits.length, at, eventOf(record)));
      this.auditedTo++;
      this.grantsTouchedBy(record);
    }
  }

  /** A consent goes (or comes back) with its client, resource or principal: delta reports it then. */
  private grantsTouchedBy(r: ChangeRecord): void {
    if (!this.built || (r.type !== "users" && r.type !== "servicePrincipals")) return;
    if (r.kind !== "softDelete" && r.kind !== "hardDelete" && r.kind !== "restore") return;
    for (const g of this.built.grants.values()) if (g["clientId"] === r.id || g["resourceId"] === r.id || g["principalId"] === r.id) this.grantLog.push(g.id);
  }

  private audit(e: AuditEvent): void {
    this.catchUp();
    this.audits.push(buildAudit(this.src.seed, this.audits.length, Date.now(), e));
  }
}
