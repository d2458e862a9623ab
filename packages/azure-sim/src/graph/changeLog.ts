import type { ChangeKind, ChangeRecord, LinkNav, MemberRef, ObjectType } from "./types.js";

export interface MemberChange {
  readonly member: MemberRef;
  readonly removed: boolean;
}

/** What a delta round from `from` to `to` reports for one type. */
export interface WindowChanges {
  /** Changed objects in order of first change; each once. */
  readonly ids: readonly string[];
  /** Final state of every member link touched in the window, per container. */
  readonly members: ReadonlyMap<string, readonly MemberChange[]>;
  /** The same for the other links delta reports (owners, manager), per navigation property. */
  readonly navs: ReadonlyMap<LinkNav, ReadonlyMap<string, readonly MemberChange[]>>;
  /** Per object with property changes: the changed names, or "all" when it was added or restored in the window. */
  readonly props: ReadonlyMap<string, ReadonlySet<string> | "all">;
}

const CACHE_SIZE = 32;

/**
 * Every mutation in order; record k has seq k+1, so a window (from, to] is
 * a slice. Append-only, so a window's content never changes and can be
 * cached while a client pages through it.
 */
export class ChangeLog {
  private readonly records: ChangeRecord[] = [];
  /** When each record was appended (epoch ms), for the audit log. */
  private readonly stamps: number[] = [];
  private readonly cache = new Map<string, WindowChanges>();

  get seq(): number {
    return this.records.length;
  }

  append(type: ObjectType, id: string, kind: ChangeKind, member?: MemberRef, props?: readonly string[], nav?: LinkNav): ChangeRecord {
    const seq = this.records.length + 1;
    const r: ChangeRecord = member ? (nav ? { seq, type, id, kind, member, nav } : { seq, type, id, kind, member }) : props ? { seq, type, id, kind, props } : { seq, type, id, kind };
    this.records.push(r);
    this.stamps.push(Date.now());
    return r;
  }

  /** Records from position `from` (0-based), each with its append time. */
  *since(from: number): Generator<{ record: ChangeRecord; at: number }> {
    for (let k = Math.max(0, from); k < this.records.length; k++) yield { record: this.records[k]!, at: this.stamps[k]! };
  }

  window(type: ObjectType, from: number, to: number): WindowChanges {
    const key = `${type}:${from}:${to}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const w = this.compute(type, Math.max(0, from), Math.min(to, this.records.length));
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, w);
    return w;
  }

  private compute(type: ObjectType, from: number, to: number): WindowChanges {
    const order: string[] = [];
    const seen = new Set<string>();
    const props = new Map<string, Set<string> | "all">();
    // nav ("" for members) → container → member → the last link operation in the window
    const byNav = new Map<string, Map<string, Map<string, MemberChange>>>();
    for (let k = from; k < to; k++) {
      const r = this.records[k]!;
      if (r.type !== type) continue;
      if (!seen.has(r.id)) {
        seen.add(r.id);
        order.push(r.id);
      }
      if (!r.member) {
        const had = props.get(r.id);
        if (r.kind === "add" || r.kind === "restore" || r.props === undefined) props.set(r.id, "all");
        else if (had !== "all") props.set(r.id, new Set([...(had ?? []), ...r.props]));
        continue;
      }
      const key = r.nav ?? "";
      let links = byNav.get(key);
      if (!links) {
        links = new Map();
        byNav.set(key, links);
      }
      let byMember = links.get(r.id);
      if (!byMember) {
        byMember = new Map();
        links.set(r.id, byMember);
      }
      // A manager is single-valued: only its last change in the window counts.
      if (r.nav === "manager") byMember.clear();
      // Re-inserting keeps first-touch order while the value becomes the last operation.
      byMember.set(r.member.id, { member: r.member, removed: r.kind === "memberRemove" });
    }
    // Every touched link is reported with its final state, even when the
    // operations cancel out: the round before may have shown the state
    // in between (a full round pages live state while mutations land).
    const flat = (links: Map<string, Map<string, MemberChange>> | undefined) => new Map([...(links ?? [])].map(([c, byMember]) => [c, [...byMember.values()]]));
    const navs = new Map<LinkNav, Map<string, MemberChange[]>>();
    for (const nav of ["owners", "manager"] as const) if (byNav.has(nav)) navs.set(nav, flat(byNav.get(nav)));
    return { ids: order, members: flat(byNav.get("")), props, navs };
  }
}
