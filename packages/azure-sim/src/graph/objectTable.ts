import type { BaseSource } from "./gen/context.js";
import type { Rand } from "./gen/random.js";
import type { GraphObject, ObjectType, RemovedReason } from "./types.js";

/** Read side of an ObjectTable, as the delta and list code see it. */
export interface ObjectView {
  readonly type: ObjectType;
  readonly size: number;
  readonly end: number;
  at(pos: number): GraphObject | undefined;
  get(id: string): GraphObject | undefined;
  removedReason(id: string): RemovedReason | undefined;
  all(): Generator<GraphObject>;
}

/**
 * The live objects of one type: generated base objects, computed on demand,
 * under an overlay of additions, updates and deletions. Only the overlay is
 * kept in memory.
 *
 * Positions run over the base objects, then the added ones in order of
 * addition. A position never moves, so a cursor stays valid while objects
 * come and go between pages.
 */
export class ObjectTable implements ObjectView {
  private readonly updated = new Map<string, GraphObject>();
  private readonly removed = new Map<string, RemovedReason>();
  private readonly added = new Map<string, GraphObject>();
  private readonly addedOrder: string[] = [];
  private live: number;

  constructor(
    readonly type: ObjectType,
    readonly source: BaseSource,
  ) {
    this.live = source.count;
  }

  get size(): number {
    return this.live;
  }

  get end(): number {
    return this.source.count + this.addedOrder.length;
  }

  idAt(pos: number): string | undefined {
    if (pos < this.source.count) return this.source.idAt(pos);
    return this.addedOrder[pos - this.source.count];
  }

  at(pos: number): GraphObject | undefined {
    if (pos < this.source.count) {
      const id = this.source.idAt(pos);
      if (this.removed.has(id)) return undefined;
      return this.updated.get(id) ?? this.source.build(pos, id);
    }
    const id = this.addedOrder[pos - this.source.count];
    return id === undefined || this.removed.has(id) ? undefined : this.added.get(id);
  }

  get(id: string): GraphObject | undefined {
    if (this.removed.has(id)) return undefined;
    const overlay = this.added.get(id) ?? this.updated.get(id);
    if (overlay) return overlay;
    const i = this.source.indexOf(id);
    return i === undefined ? undefined : this.source.build(i, id);
  }

  /** IDs taken out (soft- or hard-deleted). */
  removedIds(): string[] {
    return [...this.removed.keys()];
  }

  /** The object is live, without building it. */
  has(id: string): boolean {
    return !this.removed.has(id) && (this.added.has(id) || this.source.indexOf(id) !== undefined);
  }

  /** IDs of live objects, in position order, without building them. */
  *liveIds(): Generator<string> {
    const end = this.end;
    for (let pos = 0; pos < end; pos++) {
      const id = this.idAt(pos);
      if (id !== undefined && !this.removed.has(id)) yield id;
    }
  }

  /** Index among the generated objects, whether live or not. */
  baseIndex(id: string): number | undefined {
    return this.added.has(id) ? undefined : this.source.indexOf(id);
  }

  removedReason(id: string): RemovedReason | undefined {
    return this.removed.get(id);
  }

  *all(): Generator<GraphObject> {
    const end = this.end;
    for (let pos = 0; pos < end; pos++) {
      const o = this.at(pos);
      if (o) yield o;
    }
  }

  /** A random live object, or undefined when a few tries find none. */
  pickLive(rand: Rand, tries = 32): GraphObject | undefined {
    const end = this.end;
    if (end === 0 || this.live === 0) return undefined;
    for (let t = 0; t < tries; t++) {
      const o = this.at(Math.floor(rand() * end));
      if (o) return o;
    }
    return undefined;
  }

  add(obj: GraphObject): void {
    if (this.added.has(obj.id) || this.source.indexOf(obj.id) !== undefined) throw new Error(`${this.type} ${obj.id} exists`);
    this.added.set(obj.id, obj);
    this.addedOrder.push(obj.id);
    this.live++;
  }

  /** Replaces a live object's properties; false when it is not live. */
  replace(obj: GraphObject): boolean {
    if (!this.get(obj.id)) return false;
    if (this.added.has(obj.id)) this.added.set(obj.id, obj);
    else this.updated.set(obj.id, obj);
    return true;
  }

  /**
   * Takes a live object out. A soft delete ("changed") keeps its data, as
   * Entra keeps it in deletedItems for 30 days; a hard one drops it.
   */
  remove(id: string, reason: RemovedReason): boolean {
    if (!this.get(id)) return false;
    this.removed.set(id, reason);
    if (reason === "deleted") this.updated.delete(id);
    this.live--;
    return true;
  }

  /** Brings a soft-deleted object back as it was; false when it is not soft-deleted. */
  restore(id: string): boolean {
    if (this.removed.get(id) !== "changed") return false;
    this.removed.delete(id);
    this.live++;
    return true;
  }

  /** Deletes a soft-deleted object for good; false when it is not soft-deleted. */
  purge(id: string): boolean {
    if (this.removed.get(id) !== "changed") return false;
    this.removed.set(id, "deleted");
    this.updated.delete(id);
    return true;
  }
}
