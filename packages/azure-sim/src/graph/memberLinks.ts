import type { MemberRef } from "./types.js";

/** Generated members of the generated containers (groups or roles). */
export interface BaseMembers {
  readonly total: number;
  /** Base index of a container that has generated members. */
  indexOf(containerId: string): number | undefined;
  idOf(c: number): string;
  count(c: number): number;
  at(c: number, k: number): MemberRef | undefined;
  has(c: number, member: MemberRef): boolean;
  /** Base containers whose generated members include `member`. */
  holding(member: MemberRef): Iterable<number>;
}

/** Read side of MemberLinks. */
export interface MemberView {
  readonly total: number;
  has(containerId: string, memberId: string, kind: MemberRef["kind"]): boolean;
  slice(containerId: string, from: number, max: number): { members: MemberRef[]; next: number | null };
  members(containerId: string): Generator<MemberRef>;
  positions(containerId: string): number;
}

interface Added {
  readonly order: MemberRef[];
  readonly current: Map<string, MemberRef>;
}

/**
 * Member links of one container type: generated members under an overlay of
 * additions and removals. Positions within a container run over its
 * generated members, then its added ones in order of first addition, so a
 * member-chunk cursor stays valid while links change between pages.
 */
export class MemberLinks implements MemberView {
  private readonly removedBase = new Map<string, Set<string>>();
  private readonly added = new Map<string, Added>();
  /** Member ID → containers it was added to through the overlay. */
  private readonly addedHolders = new Map<string, Set<string>>();
  private readonly dropped = new Set<string>();
  private links: number;

  constructor(private readonly base: BaseMembers) {
    this.links = base.total;
  }

  get total(): number {
    return this.links;
  }

  has(containerId: string, memberId: string, kind: MemberRef["kind"]): boolean {
    if (this.dropped.has(containerId)) return false;
    if (this.added.get(containerId)?.current.has(memberId)) return true;
    return this.inBase(containerId, { id: memberId, kind }) && !this.removedBase.get(containerId)?.has(memberId);
  }

  add(containerId: string, member: MemberRef): boolean {
    if (this.dropped.has(containerId) || this.has(containerId, member.id, member.kind)) return false;
    const removed = this.removedBase.get(containerId);
    if (removed?.delete(member.id)) {
      this.links++;
      return true;
    }
    let a = this.added.get(containerId);
    if (!a) {
      a = { order: [], current: new Map() };
      this.added.set(containerId, a);
    }
    if (!a.order.some((m) => m.id === member.id)) a.order.push(member);
    a.current.set(member.id, member);
    let holders = this.addedHolders.get(member.id);
    if (!holders) {
      holders = new Set();
      this.addedHolders.set(member.id, holders);
    }
    holders.add(containerId);
    this.links++;
    return true;
  }

  remove(containerId: string, member: MemberRef): boolean {
    if (!this.has(containerId, member.id, member.kind)) return false;
    const a = this.added.get(containerId);
    if (a?.current.delete(member.id)) {
      this.addedHolders.get(member.id)?.delete(containerId);
    } else {
      let removed = this.removedBase.get(containerId);
      if (!removed) {
        removed = new Set();
        this.removedBase.set(containerId, removed);
      }
      removed.add(member.id);
    }
    this.links--;
    return true;
  }

  /** The container is gone: its links go with it. Returns how many. */
  drop(containerId: string): number {
    let n = 0;
    for (const m of this.members(containerId)) {
      n++;
      this.addedHolders.get(m.id)?.delete(containerId);
    }
    this.dropped.add(containerId);
    this.added.delete(containerId);
    this.removedBase.delete(containerId);
    this.links -= n;
    return n;
  }

  /** Live containers holding `member`. */
  holders(member: MemberRef): string[] {
    const out = new Set<string>();
    for (const c of this.base.holding(member)) {
      const id = this.base.idOf(c);
      if (!this.dropped.has(id) && !this.removedBase.get(id)?.has(member.id)) out.add(id);
    }
    for (const id of this.addedHolders.get(member.id) ?? []) out.add(id);
    return [...out];
  }

  /** Up to `max` current members from position `from`; `next` is where to go on, or null at the end. */
  slice(containerId: string, from: number, max: number): { members: MemberRef[]; next: number | null } {
    const members: MemberRef[] = [];
    if (this.dropped.has(containerId)) return { members, next: null };
    const c = this.base.indexOf(containerId);
    const baseCount = c === undefined ? 0 : this.base.count(c);
    const a = this.added.get(containerId);
    const end = baseCount + (a?.order.length ?? 0);
    const removed = this.removedBase.get(containerId);
    let pos = from;
    for (; pos < end && members.length < max; pos++) {
      if (pos < baseCount) {
        const m = this.base.at(c!, pos);
        if (m && !removed?.has(m.id)) members.push(m);
      } else {
        const m = a!.order[pos - baseCount]!;
        if (a!.current.has(m.id)) members.push(m);
      }
    }
    return { members, next: pos < end ? pos : null };
  }

  /** Number of positions (current or not) in a container; random picks range over these. */
  positions(containerId: string): number {
    const c = this.base.indexOf(containerId);
    return (c === undefined ? 0 : this.base.count(c)) + (this.added.get(containerId)?.order.length ?? 0);
  }

  *members(containerId: string): Generator<MemberRef> {
    let from = 0;
    for (;;) {
      const { members, next } = this.slice(containerId, from, 1000);
      yield* members;
      if (next === null) return;
      from = next;
    }
  }

  private inBase(containerId: string, member: MemberRef): boolean {
    const c = this.base.indexOf(containerId);
    return c !== undefined && this.base.has(c, member);
  }
}
