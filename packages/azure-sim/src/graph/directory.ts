// Over 300 lines: the one facade that Graph routes and mutations call; its parts already live in gen/, changeLog.ts, memberLinks.ts, mutate.ts and softDeletes.ts.
import type { Counts, DirectorySpec, SimApp, SimTenantInfo } from "../model.js";
import { stableGuid } from "../ids.js";
import { ChangeLog, type WindowChanges } from "./changeLog.js";
import { generateBase, KIND_TYPE, type GeneratedBase } from "./gen/base.js";
import type { GenContext } from "./gen/context.js";
import { buildAdded, type AddableType } from "./gen/added.js";
import { LARGE_GROUP_INDEX, type GroupKind } from "./gen/groups.js";
import { buildOrganization } from "./gen/organization.js";
import type { Rand } from "./gen/random.js";
import { memberWriteBlock } from "./groupRules.js";
import { MemberLinks, type MemberView } from "./memberLinks.js";
import { applyMutations, type MutationEntry } from "./mutate.js";
import { Extras } from "./extras/store.js";
import type { ExtrasSource } from "./extras/build.js";
import { ObjectTable, type ObjectView } from "./objectTable.js";
import { SoftDeletes, type RestorableType } from "./softDeletes.js";
import type { ChangeRecord, GraphObject, JsonObject, MemberDeltaType, MemberRef, ObjectType } from "./types.js";

export type { MutationEntry } from "./mutate.js";

export interface MutationSummary {
  readonly applied: MutationEntry[];
  readonly counts: Counts;
}

export type { AddableType } from "./gen/added.js";
export type { RestorableType } from "./softDeletes.js";
/** Types whose objects mutations change. */
export type MutableType = AddableType | "subscribedSkus";

const json = (v: unknown): string => JSON.stringify(v ?? null);

/**
 * One tenant's directory: a deterministic generator (object i of a type is a
 * pure function of seed, type and i) under an overlay of mutations, so a
 * 500k-user tenant costs memory only for what changed. Every mutation is
 * appended to a change log that delta rounds read.
 */
export class Directory {
  private readonly gen: GenContext;
  private readonly base: GeneratedBase;
  private readonly tables: Record<ObjectType, ObjectTable>;
  private readonly groupLinks: MemberLinks;
  private readonly roleLinks: MemberLinks;
  private readonly log = new ChangeLog();
  private readonly serial: Record<AddableType, number> = { users: 0, groups: 0, devices: 0, applications: 0, servicePrincipals: 0, administrativeUnits: 0 };
  private readonly deleted = new SoftDeletes();
  /** Role assignments, app role assignments, consents, owners, managers, AU members and the audit log. */
  readonly extras: Extras;

  constructor(
    readonly spec: DirectorySpec,
    readonly tenant: SimTenantInfo,
    private readonly apps: SimApp[],
  ) {
    this.gen = { seed: spec.seed, spec, tenant };
    this.base = generateBase(this.gen, apps);
    const table = (type: ObjectType) => new ObjectTable(type, this.base.sources[type]);
    this.tables = {
      users: table("users"),
      groups: table("groups"),
      devices: table("devices"),
      applications: table("applications"),
      servicePrincipals: table("servicePrincipals"),
      directoryRoles: table("directoryRoles"),
      subscribedSkus: table("subscribedSkus"),
      administrativeUnits: table("administrativeUnits"),
    };
    this.groupLinks = new MemberLinks(this.base.groupMembers);
    this.roleLinks = new MemberLinks(this.base.roleMembers);
    const live: ObjectType[] = ["users", "groups", "devices", "servicePrincipals", "applications", "administrativeUnits", "directoryRoles"];
    const src: ExtrasSource = {
      seed: spec.seed,
      ids: (type) => this.tables[type].liveIds(),
      object: (type, id) => this.tables[type].get(id),
      roleMembersOf: (roleId) => this.roleMembersOf(roleId),
      live: (id) => live.some((t) => this.tables[t].has(id)),
    };
    const users = this.tables.users;
    const devices = this.tables.devices;
    const userIndex = {
      count: users.source.count,
      idAt: (i: number) => users.source.idAt(i),
      indexOf: (id: string) => users.source.indexOf(id),
      deadIndexes: () => new Set(users.removedIds().flatMap((id) => users.source.indexOf(id) ?? [])),
    };
    const devicePool = { length: devices.source.count, at: (i: number) => devices.source.idAt(i) };
    this.extras = new Extras(src, (from) => this.log.since(from), userIndex, devicePool, (type, id, kind, member, nav) => void this.log.append(type, id, kind, member, undefined, nav));
  }

  /** Sequence number of the latest mutation (0 before any). */
  get seq(): number {
    return this.log.seq;
  }

  /** Change-log records after position `from`, for change notifications. */
  changesSince(from: number): Generator<{ record: ChangeRecord; at: number }> {
    return this.log.since(from);
  }

  counts(): Counts {
    const t = this.tables;
    return {
      users: t.users.size,
      groups: t.groups.size,
      memberships: this.groupLinks.total - this.deleted.hiddenLinks,
      devices: t.devices.size,
      applications: t.applications.size,
      servicePrincipals: t.servicePrincipals.size,
      directoryRoles: t.directoryRoles.size,
      subscribedSkus: t.subscribedSkus.size,
      administrativeUnits: t.administrativeUnits.size,
      ...this.extras.counts(),
    };
  }

  organization(): GraphObject {
    return buildOrganization(this.tenant);
  }

  get(type: ObjectType, id: string): GraphObject | undefined {
    return this.tables[type].get(id);
  }

  table(type: ObjectType): ObjectView {
    return this.tables[type];
  }

  links(type: MemberDeltaType): MemberView {
    return type === "groups" ? this.groupLinks : type === "directoryRoles" ? this.roleLinks : this.extras.auLinks;
  }

  /** Live objects of a type, generator order then additions. */
  truth(type: ObjectType): Generator<GraphObject> {
    return this.tables[type].all();
  }

  /** The member is live: not deleted, soft or hard. */
  isLive(member: MemberRef): boolean {
    return this.tables[KIND_TYPE[member.kind]].removedReason(member.id) === undefined;
  }

  /** Up to `max` live members from position `from`, skipping hidden ones. */
  liveSlice(type: MemberDeltaType, containerId: string, from: number, max: number): { members: MemberRef[]; next: number | null } {
    const links = this.links(type);
    const members: MemberRef[] = [];
    let next: number | null = from;
    while (next !== null && members.length < max) {
      const chunk = links.slice(containerId, next, max - members.length);
      for (const m of chunk.members) if (this.isLive(m)) members.push(m);
      next = chunk.next;
    }
    return { members, next };
  }

  *membersOf(groupId: string): Generator<MemberRef> {
    if (this.tables.groups.get(groupId)) for (const m of this.groupLinks.members(groupId)) if (this.isLive(m)) yield m;
  }

  *roleMembersOf(roleId: string): Generator<MemberRef> {
    if (this.tables.directoryRoles.get(roleId)) for (const m of this.roleLinks.members(roleId)) if (this.isLive(m)) yield m;
  }

  /** Every live group member link. */
  *memberships(): Generator<{ groupId: string; member: MemberRef }> {
    for (const g of this.tables.groups.all()) for (const member of this.membersOf(g.id)) yield { groupId: g.id, member };
  }

  /** A live user, group or device, as a directoryObject reference resolves. */
  resolve(id: string): { member: MemberRef; object: GraphObject } | undefined {
    for (const kind of ["user", "group", "device"] as const) {
      const object = this.tables[KIND_TYPE[kind]].get(id);
      if (object) return { member: { id, kind }, object };
    }
    return undefined;
  }

  applicationByAppId(appId: string): GraphObject | undefined {
    const fixed = this.apps.find((a) => a.clientId === appId);
    if (fixed) return this.tables.applications.get(fixed.objectId);
    const i = this.base.appIndexByAppId(appId);
    return i === undefined ? undefined : this.tables.applications.at(i);
  }

  /** What a delta round over (from, to] reports for a type. */
  changes(type: ObjectType, from: number, to: number): WindowChanges {
    return this.log.window(type, from, to);
  }

  /** The group's members are devices (device groups) rather than users. */
  memberPool(groupId: string): "users" | "devices" {
    const g = this.tables.groups.baseIndex(groupId);
    return g !== undefined && this.base.plan.memberDevices[g] === 1 ? "devices" : "users";
  }

  isLargeGroup(groupId: string): boolean {
    return this.base.plan.count > LARGE_GROUP_INDEX && this.base.groupId(LARGE_GROUP_INDEX) === groupId;
  }

  addMember(groupId: string, memberId: string): boolean {
    const found = this.resolve(memberId);
    if (!this.tables.groups.get(groupId) || !found || groupId === memberId) return false;
    if (!this.groupLinks.add(groupId, found.member)) return false;
    this.log.append("groups", groupId, "memberAdd", found.member);
    return true;
  }

  removeMember(groupId: string, memberId: string): boolean {
    const found = this.resolve(memberId);
    if (!this.tables.groups.get(groupId) || !found) return false;
    if (!this.groupLinks.remove(groupId, found.member)) return false;
    this.log.append("groups", groupId, "memberRemove", found.member);
    return true;
  }

  /** A SimApp's secrets changed elsewhere: its application shows in the next delta. */
  recordAppChange(clientId: string): boolean {
    const app = this.apps.find((a) => a.clientId === clientId);
    if (!app) return false;
    this.log.append("applications", app.objectId, "update", undefined, ["passwordCredentials"]);
    return true;
  }

  /** Applies `count` random mutations, deterministic under `seed` and the current state. */
  mutate(seed: number, count: number): MutationSummary {
    return { applied: applyMutations(this, seed, count), counts: this.counts() };
  }

  // Mutation primitives; mutate.ts composes them.

  pick(type: ObjectType, rand: Rand): GraphObject | undefined {
    return this.tables[type].pickLive(rand);
  }

  /** A random live group whose members Graph lets clients change. */
  pickWritableGroup(rand: Rand): GraphObject | undefined {
    for (let t = 0; t < 32; t++) {
      const g = this.tables.groups.pickLive(rand);
      if (g && memberWriteBlock(g) === null) return g;
    }
    return undefined;
  }

  newObject(type: AddableType, groupKind: GroupKind = "security"): GraphObject {
    const serial = this.serial[type]++;
    const id = stableGuid(this.spec.seed, type, "added", serial);
    const n = Math.max(this.tables[type].source.count, 1) + serial;
    const obj = buildAdded(this.gen, type, n, id, serial, groupKind);
    this.tables[type].add(obj);
    this.log.append(type, id, "add");
    return obj;
  }

  /** An object the mutations may change or delete: not one of the SimApps clients sign in with. */
  isFixed(id: string): boolean {
    return this.apps.some((a) => a.objectId === id);
  }

  /** Lays `patch` over a live object; only properties whose value differs count (and are logged) as changed. */
  update(type: MutableType, id: string, patch: JsonObject): boolean {
    const cur = this.tables[type].get(id);
    if (!cur) return false;
    const props = Object.keys(patch).filter((k) => k !== "id" && json(cur[k]) !== json(patch[k]));
    if (props.length === 0 || !this.tables[type].replace({ ...cur, ...patch, id })) return false;
    this.log.append(type, id, "update", undefined, props);
    return true;
  }

  /**
   * Deletes an object. A hard delete (and a soft-deleted group, whose
   * members Graph reports removed) takes every member link to and from it,
   * returning the link removals; a soft-deleted user keeps its links, hidden
   * until a restore (concepts/delta-query-groups.md).
   */
  delete(type: AddableType, id: string, kind: "softDelete" | "hardDelete"): MutationEntry[] | undefined {
    const soft = kind === "softDelete" && (type === "users" || type === "groups" || type === "applications" || type === "servicePrincipals");
    if (!this.tables[type].get(id)) return undefined;
    const extras = this.extras.cascade(id, soft ? "softDelete" : "hardDelete");
    if (!this.tables[type].remove(id, soft ? "changed" : "deleted")) return undefined;
    this.log.append(type, id, soft ? "softDelete" : "hardDelete");
    if (soft && type === "users") {
      this.deleted.add(id, type, this.groupLinks.holders({ id, kind: "user" }).length);
      return extras;
    }
    if (soft && type !== "groups") this.deleted.add(id, type);
    return [...this.dropLinks(type, id), ...extras];
  }

  /** POST /directory/deletedItems/{id}/restore: the object and, for a user, its links are back. */
  restore(id: string): RestorableType | undefined {
    const type = this.deleted.typeOf(id);
    if (!type || !this.tables[type].restore(id)) return undefined;
    this.deleted.remove(id);
    this.log.append(type, id, "restore");
    return type;
  }

  /** DELETE /directory/deletedItems/{id}: gone for good; a user's hidden links go with it. */
  purge(id: string): { type: RestorableType; cascade: MutationEntry[] } | undefined {
    const type = this.deleted.typeOf(id);
    if (!type || !this.tables[type].purge(id)) return undefined;
    this.deleted.remove(id);
    this.log.append(type, id, "hardDelete");
    return { type, cascade: type === "users" ? this.dropLinks(type, id) : [] };
  }

  /** A random soft-deleted object of a type. */
  pickDeleted(type: RestorableType, rand: Rand): string | undefined {
    return this.deleted.pick(type, rand);
  }

  private dropLinks(type: AddableType, id: string): MutationEntry[] {
    if (type === "groups") {
      // Hidden links in the group go with it.
      this.deleted.groupDropped([...this.groupLinks.members(id)].map((m) => m.id));
      this.groupLinks.drop(id);
    }
    if (type !== "users" && type !== "groups" && type !== "devices") return [];
    const ref: MemberRef = { id, kind: type === "users" ? "user" : type === "groups" ? "group" : "device" };
    const out: MutationEntry[] = [];
    for (const g of this.groupLinks.holders(ref)) {
      if (!this.groupLinks.remove(g, ref)) continue;
      this.log.append("groups", g, "memberRemove", ref);
      out.push({ type: "memberships", id: g, kind: "memberRemove", groupId: g, memberId: id, cascade: true });
    }
    for (const r of this.roleLinks.holders(ref)) {
      if (!this.roleLinks.remove(r, ref)) continue;
      this.log.append("directoryRoles", r, "memberRemove", ref);
      out.push({ type: "directoryRoles", id: r, kind: "memberRemove", memberId: id, cascade: true });
    }
    return out;
  }

  addRoleMember(roleId: string, userId: string): boolean {
    const member: MemberRef = { id: userId, kind: "user" };
    if (!this.tables.directoryRoles.get(roleId) || !this.tables.users.get(userId) || !this.roleLinks.add(roleId, member)) return false;
    this.log.append("directoryRoles", roleId, "memberAdd", member);
    return true;
  }

  removeRoleMember(roleId: string, member: MemberRef): boolean {
    if (!this.tables.directoryRoles.get(roleId) || !this.roleLinks.remove(roleId, member)) return false;
    this.log.append("directoryRoles", roleId, "memberRemove", member);
    return true;
  }

}
