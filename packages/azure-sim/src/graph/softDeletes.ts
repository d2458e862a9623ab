import type { Rand } from "./gen/random.js";

/**
 * Types Entra soft-deletes into deletedItems that the simulator can restore
 * (api-reference/v1.0/api/directory-deleteditems-restore.md). A group is
 * soft-deleted (reason "changed") but not restorable here: its links are
 * dropped on delete.
 */
export type RestorableType = "users" | "applications" | "servicePrincipals";

/**
 * The soft-deleted objects of a directory, in order of deletion, and for
 * users the number of group links they keep, hidden: "Users that have been
 * temporary deleted keep their group memberships and won't appear in the
 * delta result" (concepts/delta-query-groups.md).
 */
export class SoftDeletes {
  private readonly items = new Map<string, RestorableType>();
  private readonly hidden = new Map<string, number>();

  add(id: string, type: RestorableType, hiddenLinks = 0): void {
    this.items.set(id, type);
    if (type === "users") this.hidden.set(id, hiddenLinks);
  }

  /** Restored or purged: no longer a deleted item. */
  remove(id: string): void {
    this.items.delete(id);
    this.hidden.delete(id);
  }

  typeOf(id: string): RestorableType | undefined {
    return this.items.get(id);
  }

  /** A group was dropped: the hidden links of `members` in it went with it. */
  groupDropped(members: Iterable<string>): void {
    for (const m of members) {
      const k = this.hidden.get(m);
      if (k !== undefined) this.hidden.set(m, k - 1);
    }
  }

  /** Group links hidden in all; O(soft-deleted users). */
  get hiddenLinks(): number {
    let n = 0;
    for (const k of this.hidden.values()) n += k;
    return n;
  }

  pick(type: RestorableType, rand: Rand): string | undefined {
    const ids = [...this.items].filter(([, t]) => t === type).map(([i]) => i);
    return ids.length ? ids[Math.floor(rand() * ids.length)] : undefined;
  }
}
