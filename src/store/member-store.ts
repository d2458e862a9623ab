import { odata, type TableClient } from "@azure/data-tables";
import { bucketOf, MEMBER_BUCKETS, memberPartition, safeKey } from "./keys.js";
import { allOf, anyOf } from "./odata-compose.js";

/** Filters hold at most 15 comparisons (FACTS); one is the PartitionKey. */
const KEYS_PER_QUERY = 14;

export type Container = "groups" | "directoryRoles";

export interface MemberRow {
  readonly containerId: string;
  readonly memberId: string;
  readonly memberType: string;
}

/**
 * Links of groups (memberships) and directory roles (role assignments).
 * PartitionKey `tenant|container|bucket(containerId)`, RowKey `containerId|memberId`:
 * a group's members are one key range, and big tenants spread over buckets.
 */
export class MemberStore {
  constructor(
    readonly table: TableClient,
    readonly tenantId: string,
  ) {}

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
      [...byPartition].flatMap(([pk, keys]) => {
        const unique = [...new Set(keys)];
        const chunks: string[][] = [];
        for (let i = 0; i < unique.length; i += KEYS_PER_QUERY) chunks.push(unique.slice(i, i + KEYS_PER_QUERY));
        return chunks.map(async (chunk) => {
          const filter = allOf(odata`PartitionKey eq ${pk}`, anyOf(chunk.map((k) => odata`RowKey eq ${k}`)));
          for await (const e of this.table.listEntities({ queryOptions: { filter, select: ["RowKey"] } })) found.add(e.rowKey ?? "");
        });
      }),
    );
    return found;
  }

  /** The members of one group or role. */
  async *members(container: Container, containerId: string, scanNot?: string): AsyncGenerator<MemberRow & { rowKey: string; partitionKey: string }> {
    const pk = this.partitionOf(container, containerId);
    const lo = `${safeKey(containerId)}|`;
    const hi = `${safeKey(containerId)}|~`;
    const filter = scanNot === undefined
      ? odata`PartitionKey eq ${pk} and RowKey gt ${lo} and RowKey lt ${hi}`
      : odata`PartitionKey eq ${pk} and RowKey gt ${lo} and RowKey lt ${hi} and scan ne ${scanNot}`;
    for await (const e of this.table.listEntities<{ containerId: string; memberId: string; memberType: string }>({ queryOptions: { filter } })) {
      yield { containerId: e.containerId, memberId: e.memberId, memberType: e.memberType, rowKey: e.rowKey ?? "", partitionKey: e.partitionKey ?? "" };
    }
  }

  /** One bucket's links after a row key, in key order. */
  async *listBucket(container: Container, bucket: number, after: string): AsyncGenerator<MemberRow & { rowKey: string }> {
    const pk = memberPartition(this.tenantId, container, bucket);
    const filter = odata`PartitionKey eq ${pk} and RowKey gt ${after}`;
    for await (const e of this.table.listEntities<{ containerId: string; memberId: string; memberType: string }>({ queryOptions: { filter } })) {
      yield { containerId: e.containerId, memberId: e.memberId, memberType: e.memberType, rowKey: e.rowKey ?? "" };
    }
  }

  async count(container: Container): Promise<number> {
    let n = 0;
    for (let b = 0; b < MEMBER_BUCKETS; b++) {
      const pk = memberPartition(this.tenantId, container, b);
      for await (const _ of this.table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ["RowKey"] } })) n++;
    }
    return n;
  }

  /** Every link of a container type; with `scanNot`, only those a full scan did not see. */
  async *all(container: Container, scanNot?: string): AsyncGenerator<MemberRow & { rowKey: string; partitionKey: string }> {
    for (let b = 0; b < MEMBER_BUCKETS; b++) {
      const pk = memberPartition(this.tenantId, container, b);
      const filter = scanNot === undefined ? odata`PartitionKey eq ${pk}` : odata`PartitionKey eq ${pk} and scan ne ${scanNot}`;
      for await (const e of this.table.listEntities<{ containerId: string; memberId: string; memberType: string }>({ queryOptions: { filter } })) {
        yield { containerId: e.containerId, memberId: e.memberId, memberType: e.memberType, rowKey: e.rowKey ?? "", partitionKey: e.partitionKey ?? "" };
      }
    }
  }
}
