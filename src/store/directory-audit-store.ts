import { odata, type TableClient } from "@azure/data-tables";
import type { GraphObject, Json } from "../domain/graph-object.js";
import { BatchWriter } from "./batch-writer.js";
import { decodeData, encodeData } from "./entity-codec.js";
import { invertedTime, safeKey } from "./keys.js";
import { allOf } from "./odata-compose.js";
import { textOf } from "../domain/text.js";

/** One stored entry of the tenant's directory audit log, under Graph's property names. */
export type DirectoryAudit = Record<string, Json> & { readonly id: string; readonly activityDateTime: string };

export interface AuditQuery {
  /** Resume after this row key (the previous page's last). */
  readonly after?: string | undefined;
  /** Entries at or after this instant. */
  readonly since?: string | undefined;
  readonly category?: string | undefined;
  readonly activity?: string | undefined;
}

/**
 * The tenant's Entra directory audit feed (not the AuditStore of this API's
 * own actions): PartitionKey the tenant, RowKey inverted time then the
 * entry's ID, so rows list newest first and an entry read twice (the
 * cursor's overlap) lands on its own row.
 */
export class DirectoryAuditStore {
  constructor(readonly table: TableClient) {}

  static rowKeyOf(a: Pick<DirectoryAudit, "id" | "activityDateTime">): string {
    return `${invertedTime(a.activityDateTime)}|${safeKey(a.id)}`;
  }

  entity(tenantId: string, a: DirectoryAudit) {
    return {
      partitionKey: tenantId,
      rowKey: DirectoryAuditStore.rowKeyOf(a),
      activityDateTime: a.activityDateTime,
      category: textOf(a.category),
      activityDisplayName: textOf(a.activityDisplayName),
      ...encodeData(a),
    };
  }

  /** Row keys stored for entries from `oldest` to `newest` (one range query). */
  async keysBetween(tenantId: string, newest: string, oldest: string): Promise<Set<string>> {
    const filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${invertedTime(newest)} and RowKey lt ${`${invertedTime(oldest)}~`}`;
    const out = new Set<string>();
    for await (const e of this.table.listEntities({ queryOptions: { filter, select: ["RowKey"] } })) out.add(e.rowKey ?? "");
    return out;
  }

  /** Deletes the entries older than `before`; returns how many. */
  async prune(tenantId: string, before: string): Promise<number> {
    const writer = new BatchWriter(this.table);
    let n = 0;
    // Older entries have larger inverted times: everything past the cut's key.
    const filter = odata`PartitionKey eq ${tenantId} and RowKey gt ${`${invertedTime(before)}~`}`;
    for await (const e of this.table.listEntities({ queryOptions: { filter, select: ["PartitionKey", "RowKey"] } })) {
      await writer.delete(tenantId, e.rowKey ?? "");
      n++;
    }
    await writer.flush();
    return n;
  }

  /** Entries newest first, with the filters run in the table. */
  async *list(tenantId: string, q: AuditQuery = {}): AsyncGenerator<{ rowKey: string; audit: DirectoryAudit }> {
    const filter = allOf(
      odata`PartitionKey eq ${tenantId}`,
      q.after !== undefined && odata`RowKey gt ${q.after}`,
      q.since !== undefined && odata`RowKey lt ${`${invertedTime(q.since)}~`}`,
      q.category !== undefined && odata`category eq ${q.category}`,
      q.activity !== undefined && odata`activityDisplayName eq ${q.activity}`,
    );
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      yield { rowKey: e.rowKey ?? "", audit: decodeData(e) as DirectoryAudit };
    }
  }
}

/** An entry as Graph sent it, when it has what the store keys on. */
export function auditOf(o: GraphObject): DirectoryAudit | undefined {
  const at = o.activityDateTime;
  if (typeof at !== "string" || Number.isNaN(Date.parse(at))) return undefined;
  return { ...o, activityDateTime: at };
}
