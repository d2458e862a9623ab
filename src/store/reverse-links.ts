import { odata } from "@azure/data-tables";
import { CONTAINERS, type Container, type LinkSpec, type SyncedType } from "../domain/synced.js";
import type { BatchWriter } from "./batch-writer.js";
import { bucketOf, MEMBER_BUCKETS, safeKey } from "./keys.js";
import type { MemberStore } from "./member-store.js";
import { statusOf } from "./status-code.js";

/** One stored link seen from its member's side. */
export interface ReverseRow {
  readonly store: Container;
  readonly containerId: string;
  readonly containerType: SyncedType;
  readonly memberId: string;
  readonly memberType: string;
}

type Raw = Record<string, unknown> & { partitionKey?: string; rowKey?: string };

/**
 * The reverse link index: every forward link (group member, role member,
 * unit member, owner, manager) again under its member, so "what holds X"
 * is one range query per link store, never a scan of every container.
 * PartitionKey `tenant|reverse|store|bucket(memberId)`, RowKey
 * `memberId|containerId`: a full scan's sweep reads only its own store's rows. Rows live in the links' table and go through
 * the same BatchWriter as the forward link, in the same flush: a page that
 * is replayed after a crash writes both again (upserts and deletes are
 * idempotent).
 */
export class ReverseLinks {
  constructor(private readonly members: MemberStore) {}

  partitionOf(store: Container, memberId: string): string {
    return this.bucketPartition(store, bucketOf(memberId, MEMBER_BUCKETS));
  }

  private bucketPartition(store: Container, bucket: number): string {
    return `${this.members.tenantId}|reverse|${store}|${bucket}`;
  }

  rowKey(containerId: string, memberId: string): string {
    return `${safeKey(memberId)}|${safeKey(containerId)}`;
  }

  entity(spec: Pick<LinkSpec, "store" | "parent">, containerId: string, memberId: string, memberType: string, scan: string) {
    return {
      partitionKey: this.partitionOf(spec.store, memberId),
      rowKey: this.rowKey(containerId, memberId),
      store: spec.store,
      containerId,
      containerType: spec.parent,
      memberId,
      memberType,
      scan,
    };
  }

  /** Beside a forward upsert of the same link. */
  put(writer: BatchWriter, spec: Pick<LinkSpec, "store" | "parent">, containerId: string, memberId: string, memberType: string, scan: string): Promise<void> {
    return writer.upsert(this.entity(spec, containerId, memberId, memberType, scan));
  }

  /** Beside a forward delete of the same link. */
  drop(writer: BatchWriter, store: Container, containerId: string, memberId: string): Promise<void> {
    return writer.delete(this.partitionOf(store, memberId), this.rowKey(containerId, memberId));
  }

  /** Outside a sync (the membership write-back): one row at once, a missing row counting as removed. */
  async dropNow(store: Container, containerId: string, memberId: string): Promise<void> {
    try {
      await this.members.table.deleteEntity(this.partitionOf(store, memberId), this.rowKey(containerId, memberId));
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  /** The live links that hold `memberId`, in the given stores (all when none given); hidden (parked) ends are left out. */
  async *of(memberId: string, stores: readonly Container[] = CONTAINERS, parked?: ReadonlySet<string>): AsyncGenerator<ReverseRow> {
    const hidden = parked ?? (await this.members.parked());
    if (hidden.has(safeKey(memberId))) return;
    const lo = `${safeKey(memberId)}|`;
    const hi = `${safeKey(memberId)}|~`;
    // One range query per store, side by side.
    const found = await Promise.all(
      stores.map(async (store) => {
        const filter = odata`PartitionKey eq ${this.partitionOf(store, memberId)} and RowKey gt ${lo} and RowKey lt ${hi}`;
        const rows: ReverseRow[] = [];
        for await (const e of this.members.table.listEntities<Raw>({ queryOptions: { filter } })) rows.push(rowOf(e));
        return rows;
      }),
    );
    for (const row of found.flat()) if (!hidden.has(safeKey(row.containerId))) yield row;
  }

  /**
   * End of a full scan of a store's parent type: rows the scan did not
   * write again are stale (their forward link is gone, or was stored before
   * the index existed and is now rewritten). Parked ends stay, as their
   * forward links do.
   */
  async sweep(writer: BatchWriter, store: Container, scan: string, parked: ReadonlySet<string>): Promise<number> {
    let n = 0;
    for (let b = 0; b < MEMBER_BUCKETS; b++) {
      const filter = odata`PartitionKey eq ${this.bucketPartition(store, b)} and scan ne ${scan}`;
      for await (const e of this.members.table.listEntities<Raw>({ queryOptions: { filter } })) {
        const row = rowOf(e);
        if (parked.has(safeKey(row.memberId)) || parked.has(safeKey(row.containerId))) continue;
        await writer.delete(e.partitionKey ?? "", e.rowKey ?? "");
        n++;
      }
    }
    return n;
  }
}

const rowOf = (e: Raw): ReverseRow => ({
  store: String(e.store) as Container,
  containerId: String(e.containerId),
  containerType: String(e.containerType) as SyncedType,
  memberId: String(e.memberId),
  memberType: String(e.memberType),
});
