/**
 * What a delta sync must report after a batch of mutations (POST
 * /_sim/{tenant}/mutations): the simulator's own statement of their effect,
 * used by the tests and the benchmark alike.
 */
export interface AppliedChange {
  readonly type: string;
  readonly id: string;
  readonly kind: string;
  readonly groupId?: string;
  readonly memberId?: string;
  readonly parentId?: string;
  /** A row that went (or came back) with a deleted (restored) object. */
  readonly cascade?: true;
}

/**
 * Per object: the last mutation decides, and an object both added and
 * deleted in the batch was never seen. An object soft-deleted and restored
 * in the batch with no change between is as it was (Entra restores it
 * unchanged): not counted.
 */
export function expectedCounts(applied: readonly AppliedChange[], type: string): { changed: number; deleted: number } {
  const first = new Map<string, string>();
  const last = new Map<string, string>();
  const edited = new Set<string>();
  for (const a of applied) {
    if (a.type !== type) continue;
    if (!first.has(a.id)) first.set(a.id, a.kind);
    last.set(a.id, a.kind);
    if (a.kind === "add" || a.kind === "update") edited.add(a.id);
  }
  let changed = 0;
  let deleted = 0;
  for (const [id, kind] of last) {
    if (kind === "softDelete" || kind === "hardDelete") {
      if (first.get(id) !== "add") deleted++;
    } else if (kind === "add" || kind === "update") changed++;
    else if (kind === "restore" && (first.get(id) !== "softDelete" || edited.has(id))) changed++;
  }
  return { changed, deleted };
}

/**
 * Per link: the first change tells the state before the batch (an add means
 * it was absent) and the last the state after; links of groups deleted in
 * the batch go with the group. A link added to a member that ends the batch
 * soft-deleted is never reported: soft-deleted users "won't appear in the
 * delta result" (concepts/delta-query-groups.md).
 */
export function expectedLinkCounts(applied: readonly AppliedChange[]): { changed: number; deleted: number } {
  return linkCounts(applied, "memberships");
}

/** The same for directory role members (type "directoryRoles", member kinds). */
export function expectedRoleLinkCounts(applied: readonly AppliedChange[]): { changed: number; deleted: number } {
  return linkCounts(applied, "directoryRoles");
}

/**
 * The same for owner links (type "owners", id = the owned object). Role
 * assignments and app role assignments are objects: expectedCounts with
 * their type ("add" / "hardDelete"); a manager change is an "update" of
 * type "managers" keyed by the user, a removed manager a "hardDelete".
 */
export function expectedOwnerLinkCounts(applied: readonly AppliedChange[]): { changed: number; deleted: number } {
  return linkCounts(applied, "owners");
}

function linkCounts(applied: readonly AppliedChange[], type: "memberships" | "directoryRoles" | "owners"): { changed: number; deleted: number } {
  const { added, removed } = expectedLinkChanges(applied, type);
  return { changed: added.size, deleted: removed.size };
}

/**
 * The links (`container|member`) a batch adds and removes: the first entry
 * per link tells the state before, the last the state after. Links of a
 * deleted group are left out (they go with the group), and so are links to a
 * user soft-deleted in the batch (hidden until restored).
 */
export function expectedLinkChanges(applied: readonly AppliedChange[], type: "memberships" | "directoryRoles" | "owners"): { added: Set<string>; removed: Set<string>; deletedGroups: Set<string> } {
  const isDelete = (k: string) => k === "softDelete" || k === "hardDelete";
  const deletedGroups = new Set(applied.filter((a) => a.type === "groups" && isDelete(a.kind)).map((a) => a.id));
  const lastUserKind = new Map<string, string>();
  for (const a of applied) if (a.type === "users") lastUserKind.set(a.id, a.kind);
  const first = new Map<string, string>();
  const last = new Map<string, string>();
  for (const a of applied) {
    if (a.type !== type || !a.memberId || (a.kind !== "memberAdd" && a.kind !== "memberRemove")) continue;
    const container = a.groupId ?? a.id;
    if (type === "memberships" && deletedGroups.has(container)) continue;
    const key = `${container}|${a.memberId}`;
    if (!first.has(key)) first.set(key, a.kind);
    last.set(key, a.kind);
  }
  const added = new Set<string>();
  const removed = new Set<string>();
  for (const [key, kind] of last) {
    const before = first.get(key) === "memberAdd" ? "absent" : "present";
    const after = kind === "memberAdd" ? "present" : "absent";
    const hidden = lastUserKind.get(key.slice(key.indexOf("|") + 1)) === "softDelete";
    if (before === "absent" && after === "present" && !hidden) added.add(key);
    if (before === "present" && after === "absent") removed.add(key);
  }
  return { added, removed, deletedGroups };
}

/** The kinds beyond the delta collections whose rows a mutation batch changes. */
export type ExtraKind = "roleAssignments" | "roleEligibilities" | "appRoleAssignments" | "oauth2PermissionGrants" | "owners" | "managers" | "administrativeUnitMembers";

const PRESENT_AFTER = new Set(["add", "update", "restore", "memberAdd"]);
const ABSENT_BEFORE = new Set(["add", "restore", "memberAdd"]);

/**
 * What a sync must change in one of the new kinds after a batch, cascades
 * included (the simulator lists, per deleted or restored object, the rows
 * that go or come back with it: extras/cascade.ts). Per row (per link for
 * owners and administrative-unit members, per user for managers) the first
 * entry tells the state before the batch (add, memberAdd or a restore
 * means it was absent or hidden) and the last the state after.
 * `changed`: present after and new or updated; `deleted`: present before,
 * absent after; `net`: how far the kind's ground-truth count moves.
 */
export function expectedExtraCounts(applied: readonly AppliedChange[], type: ExtraKind): { changed: number; deleted: number; net: number } {
  const first = new Map<string, string>();
  const last = new Map<string, string>();
  const updated = new Set<string>();
  for (const a of applied) {
    if (a.type !== type) continue;
    const key = type === "owners" || type === "administrativeUnitMembers" ? `${a.id}|${a.memberId ?? ""}` : a.id;
    if (!first.has(key)) first.set(key, a.kind);
    last.set(key, a.kind);
    if (a.kind === "update" || a.kind === "add" || a.kind === "memberAdd") updated.add(key);
  }
  let changed = 0;
  let deleted = 0;
  let net = 0;
  for (const [key, kind] of last) {
    const before = !ABSENT_BEFORE.has(first.get(key)!);
    const after = PRESENT_AFTER.has(kind);
    if (after && (!before || updated.has(key))) changed++;
    if (before && !after) deleted++;
    net += Number(after) - Number(before);
  }
  return { changed, deleted, net };
}
