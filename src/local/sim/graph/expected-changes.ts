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
}

/** Per object: the last mutation decides, and an object both added and deleted in the batch was never seen. */
export function expectedCounts(applied: readonly AppliedChange[], type: string): { changed: number; deleted: number } {
  const first = new Map<string, string>();
  const last = new Map<string, string>();
  for (const a of applied) {
    if (a.type !== type) continue;
    if (!first.has(a.id)) first.set(a.id, a.kind);
    last.set(a.id, a.kind);
  }
  let changed = 0;
  let deleted = 0;
  for (const [id, kind] of last) {
    if (kind === "softDelete" || kind === "hardDelete") {
      if (first.get(id) !== "add") deleted++;
    } else if (kind === "add" || kind === "update") changed++;
  }
  return { changed, deleted };
}

/**
 * Per link: the first change tells the state before the batch (an add means
 * it was absent) and the last the state after; links of groups deleted in
 * the batch go with the group.
 */
export function expectedLinkCounts(applied: readonly AppliedChange[]): { changed: number; deleted: number } {
  const deletedGroups = new Set(applied.filter((a) => a.type === "groups" && (a.kind === "softDelete" || a.kind === "hardDelete")).map((a) => a.id));
  const first = new Map<string, string>();
  const last = new Map<string, string>();
  for (const a of applied) {
    if (a.type !== "memberships" || !a.groupId || !a.memberId || deletedGroups.has(a.groupId)) continue;
    const key = `${a.groupId}|${a.memberId}`;
    if (!first.has(key)) first.set(key, a.kind);
    last.set(key, a.kind);
  }
  let changed = 0;
  let deleted = 0;
  for (const [key, kind] of last) {
    const before = first.get(key) === "memberAdd" ? "absent" : "present";
    const after = kind === "memberAdd" ? "present" : "absent";
    if (before === "absent" && after === "present") changed++;
    if (before === "present" && after === "absent") deleted++;
  }
  return { changed, deleted };
}
