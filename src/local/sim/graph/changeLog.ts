import type { ChangeKind, ChangeRecord, MemberRef, ObjectType } from "./types.js";

export interface MemberChange {
  readonly member: MemberRef;
  readonly removed: boolean;
}

/** What a delta round from `from` to `to` reports for one type. */
export interface WindowChanges {
  /** Changed objects in order of first change; each once. */
  readonly ids: readonly string[];
  /** Net member changes per container; containers whose links netted out are absent. */
  readonly members: ReadonlyMap<string, readonly MemberChange[]>;
}

const CACHE_SIZE = 32;

/**
 * Every mutation in order; record k has seq k+1, so a window (from, to] is
 * a slice. Append-only, so a window's content never changes and can be
 * cached while a client pages through it.
 */
export class ChangeLog {
  private readonly records: ChangeRecord[] = [];
  private readonly cache = new Map<string, WindowChanges>();

  get seq(): number {
    return this.records.length;
  }

  append(type: ObjectType, id: string, kind: ChangeKind, member?: MemberRef): ChangeRecord {
    const r: ChangeRecord = member ? { seq: this.records.length + 1, type, id, kind, member } : { seq: this.records.length + 1, type, id, kind };
    this.records.push(r);
    return r;
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
    const propertyChanged = new Set<string>();
    // container → member → first and last link operation in the window
    const links = new Map<string, Map<string, { member: MemberRef; firstAdd: boolean; lastAdd: boolean }>>();
    for (let k = from; k < to; k++) {
      const r = this.records[k]!;
      if (r.type !== type) continue;
      if (!seen.has(r.id)) {
        seen.add(r.id);
        order.push(r.id);
      }
      if (!r.member) {
        propertyChanged.add(r.id);
        continue;
      }
      const isAdd = r.kind === "memberAdd";
      let byMember = links.get(r.id);
      if (!byMember) {
        byMember = new Map();
        links.set(r.id, byMember);
      }
      const prev = byMember.get(r.member.id);
      if (prev) prev.lastAdd = isAdd;
      else byMember.set(r.member.id, { member: r.member, firstAdd: isAdd, lastAdd: isAdd });
    }
    const members = new Map<string, MemberChange[]>();
    for (const [container, byMember] of links) {
      // Adds happen only when absent and removes only when present, so the
      // first operation tells the state before the window.
      const net = [...byMember.values()].filter((l) => l.firstAdd === l.lastAdd).map((l) => ({ member: l.member, removed: !l.lastAdd }));
      if (net.length > 0) members.set(container, net);
    }
    return { ids: order.filter((id) => propertyChanged.has(id) || members.has(id)), members };
  }
}
