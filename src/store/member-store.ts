import { odata, type TableClient } from "@azure/data-tables";
import { bucketOf, MEMBER_BUCKETS, memberPartition, safeKey } from "./keys.js";
import type { Container } from "../domain/synced.js";
import { keyFilters } from "./odata-compose.js";

export interface MemberRow {
  readonly containerId: string;
  readonly memberId: string;
  readonly memberType: string;
}

/**
 * Links of groups (memberships), directory roles (role assignments) and
 * administrative units (their members).
 * PartitionKey `tenant|container|bucket(containerId)`, RowKey `containerId|memberId`:
 * a group's members are one key range, and big tenants spread over buckets.
 */
export class MemberStore {
  constructor(
    readonly table: TableClient,
    readonly tenantId: string,
  ) {}

  /**
   * Soft-deleted objects keep their memberships in Graph ("Only users that
   * have been permanently deleted are removed from groups",
   * concepts/delta-query-groups.md), and a restore brings them back with no
   * membership change. Their links stay stored but hidden: the object's ID
   * is parked in one partition that every reader loads once.
   */
  parkedPartition(): string {
    return `${this.tenantId}|parked`;
  }

  parkEntity(objectId: string, type: string, at: string) {
    return { partitionKey: this.parkedPartition(), rowKey: safeKey(objectId), objectType: type, at };
  }

  /** IDs of soft-deleted objects whose links are hidden: one query per reader call (soft deletes are few). */
  async parked(): Promise<ReadonlySet<string>> {
    const out = new Set<string>();
    const filter = odata`PartitionKey eq ${this.parkedPartition()}`;
    for await (const e of this.table.listEntities({ queryOptions: { filter, select: ["RowKey"] } })) out.add(e.rowKey ?? "");
    return out;
  }

  /** Which of these IDs are parked: one query for up to 14. */
  async parkedOf(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    await Promise.all(
      keyFilters(this.parkedPartition(), ids.map(safeKey)).map(async (filter) => {
        for await (const e of this.table.listEntities({ queryOptions: { filter, select: ["RowKey"] } })) found.add(e.rowKey ?? "");
      }),
    );
    return found;
  }

  private async visible(): Promise<(l: { containerId: string; memberId: string }) => boolean> {
    const parked = await this.parked();
    if (parked.size === 0) return () => true;
    return (l) => !parked.has(safeKey(l.memberId)) && !parked.has(safeKey(l.containerId));
  }

  partitionOf(container: Container, containerId: string): string {
    return memberPartition(this.tenantId, container, bucketOf(containerId, MEMBER_BUCKETS));
  }

  rowKey(containerId: string, memberId: string): string {
    return `${safeKey(containerId)}|${safeKey(memberId)}`;
  }

  entity(container: Container, containerId: string, memberId: string, memberType: string, scan: string) {
    return {
      partitionKey: this.partitionOf(container, containerId),
      rowKey: this.rowKey(containerId, memberId),
      containerId,
      memberId,
      memberType,
      scan,
    };
  }

  /** Which of these links are stored: a few key-only queries per partition, never one read per link. */
  async existing(container: Container, links: ReadonlyArray<{ readonly containerId: string; readonly memberId: string }>): Promise<Set<string>> {
    const byPartition = new Map<string, string[]>();
    for (const l of links) {
      const pk = this.partitionOf(container, l.containerId);
      byPartition.set(pk, [...(byPartition.get(pk) ?? []), this.rowKey(l.containerId, l.memberId)]);
    }
    const found = new Set<string>();
    await Promise.all(
      [...byPartition].flatMap(([pk, keys]) =>
        keyFilters(pk, keys).map(async (filter) => {
          for await (const e of this.table.listEntities({ queryOptions: { filter, select: ["RowKey"] } })) found.add(e.rowKey ?? "");
        }),
      ),
    );
    return found;
  }

  /** The members of one group or role; live ones only unless `includeHidden`. */
  async *members(container: Container, containerId: string, opts: { includeHidden?: boolean } = {}): AsyncGenerator<MemberRow & { rowKey: string; partitionKey: string }> {
    const show = opts.includeHidden ? () => true : await this.visible();
    const pk = this.partitionOf(container, containerId);
    const lo = `${safeKey(containerId)}|`;
    const hi = `${safeKey(containerId)}|~`;
    const filter = odata`PartitionKey eq ${pk} and RowKey gt ${lo} and RowKey lt ${hi}`;
    for await (const e of this.table.listEntities<{ containerId: string; memberId: string; memberType: string }>({ queryOptions: { filter } })) {
      if (show(e)) yield { containerId: e.containerId, memberId: e.memberId, memberType: e.memberType, rowKey: e.rowKey ?? "", partitionKey: e.partitionKey ?? "" };
    }
  }

  /** One bucket's live links after a row key, in key order. */
  async *listBucket(container: Container, bucket: number, after: string): AsyncGenerator<MemberRow & { rowKey: string }> {
    const show = await this.visible();
    const pk = memberPartition(this.tenantId, container, bucket);
    const filter = odata`PartitionKey eq ${pk} and RowKey gt ${after}`;
    for await (const e of this.table.listEntities<{ containerId: string; memberId: string; memberType: string }>({ queryOptions: { filter } })) {
      if (show(e)) yield { containerId: e.containerId, memberId: e.memberId, memberType: e.memberType, rowKey: e.rowKey ?? "" };
    }
  }

  /** Live links of a container type, counted with a query of three properties. */
  async count(container: Container): Promise<number> {
    const show = await this.visible();
    let n = 0;
    for (let b = 0; b < MEMBER_BUCKETS; b++) {
      const pk = memberPartition(this.tenantId, container, b);
      const it = this.table.listEntities<{ containerId: string; memberId: string }>({ queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ["RowKey", "containerId", "memberId"] } });
      for await (const e of it) if (show(e)) n++;
    }
    return n;
  }

  /**
   * Every live link of a container type; with `scanNot`, only those a full
   * scan did not see; with `includeHidden`, the hidden ones too.
   */
  async *all(container: Container, scanNot?: string, opts: { includeHidden?: boolean } = {}): AsyncGenerator<MemberRow & { rowKey: string; partitionKey: string }> {
    const show = opts.includeHidden ? () => true : await this.visible();
    for (let b = 0; b < MEMBER_BUCKETS; b++) {
      const pk = memberPartition(this.tenantId, container, b);
      const filter = scanNot === undefined ? odata`PartitionKey eq ${pk}` : odata`PartitionKey eq ${pk} and scan ne ${scanNot}`;
      for await (const e of this.table.listEntities<{ containerId: string; memberId: string; memberType: string }>({ queryOptions: { filter } })) {
        if (show(e)) yield { containerId: e.containerId, memberId: e.memberId, memberType: e.memberType, rowKey: e.rowKey ?? "", partitionKey: e.partitionKey ?? "" };
      }
    }
  }
}
