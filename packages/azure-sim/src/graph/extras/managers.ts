import { prng } from "../../ids.js";

/** What the manager table reads: the generated users by index, and which of them are gone. */
export interface UserIndex {
  readonly count: number;
  idAt(i: number): string;
  indexOf(id: string): number | undefined;
  /** Indexes of generated users that are not live (few: only deletions). */
  deadIndexes(): Set<number>;
}

/**
 * Each generated user's manager by index (an earlier user, so chains never
 * cycle), in one Int32Array: O(users) memory and no ID computed until read.
 * Changes go in a small overlay (-1 = no manager).
 */
export class Managers {
  private readonly base: Int32Array;
  private readonly overlay = new Map<number, number>();

  constructor(
    seed: number,
    private readonly users: UserIndex,
  ) {
    const n = users.count;
    this.base = new Int32Array(n).fill(-1);
    const rand = prng(seed ^ 0x6d616e61);
    for (let i = 3; i < n; i++) {
      const u = rand();
      if (u < 0.85) this.base[i] = Math.floor((u / 0.85) * i);
    }
  }

  private at(i: number): number {
    return this.overlay.get(i) ?? this.base[i] ?? -1;
  }

  /** The live manager of a live generated user. */
  of(userId: string, dead = this.users.deadIndexes()): string | undefined {
    const i = this.users.indexOf(userId);
    if (i === undefined || dead.has(i)) return undefined;
    const m = this.at(i);
    return m < 0 || dead.has(m) ? undefined : this.users.idAt(m);
  }

  /** Sets (or with null removes) the manager; false for users outside the generated ones or when nothing changes. */
  set(userId: string, managerId: string | null): boolean {
    const i = this.users.indexOf(userId);
    const m = managerId === null ? -1 : this.users.indexOf(managerId);
    if (i === undefined || m === undefined || m === i || this.at(i) === m) return false;
    this.overlay.set(i, m);
    return true;
  }

  /** The live links `userId` is on: its own manager and its live reports (one scan of the index table). */
  linksOf(userId: string): Array<{ userId: string; managerId: string }> {
    const i = this.users.indexOf(userId);
    if (i === undefined) return [];
    const dead = this.users.deadIndexes();
    if (dead.has(i)) return [];
    const out: Array<{ userId: string; managerId: string }> = [];
    const own = this.at(i);
    if (own >= 0 && !dead.has(own)) out.push({ userId, managerId: this.users.idAt(own) });
    for (let r = 0; r < this.base.length; r++) if (this.at(r) === i && !dead.has(r)) out.push({ userId: this.users.idAt(r), managerId: userId });
    return out;
  }

  count(): number {
    const dead = this.users.deadIndexes();
    let n = 0;
    for (let i = 0; i < this.base.length; i++) {
      const m = this.at(i);
      if (m >= 0 && !dead.has(i) && !dead.has(m)) n++;
    }
    return n;
  }

  *all(): Generator<{ userId: string; managerId: string }> {
    const dead = this.users.deadIndexes();
    for (let i = 0; i < this.base.length; i++) {
      const m = this.at(i);
      if (m >= 0 && !dead.has(i) && !dead.has(m)) yield { userId: this.users.idAt(i), managerId: this.users.idAt(m) };
    }
  }
}
