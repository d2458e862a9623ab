import { odata, type TableClient } from "@azure/data-tables";
import { BatchWriter } from "./batch-writer.js";

export interface HeldDeletion {
  readonly type: string;
  readonly id: string;
  readonly runId: string;
  /** Removed with reason `changed` (soft-deleted, restorable): hidden, not erased. */
  readonly soft?: boolean;
}

/**
 * Deletions staged during a run, applied at its end unless they pass the
 * accidental-deletion threshold. PartitionKey `tenant`, RowKey `type|id`.
 */
export class HeldStore {
  constructor(private readonly table: TableClient) {}

  writer(): BatchWriter {
    return new BatchWriter(this.table);
  }

  entity(tenantId: string, d: HeldDeletion) {
    return { partitionKey: tenantId, rowKey: `${d.type}|${d.id}`, type: d.type, objectId: d.id, runId: d.runId, soft: d.soft === true };
  }

  async *list(tenantId: string): AsyncGenerator<HeldDeletion> {
    const it = this.table.listEntities<{ type: string; objectId: string; runId: string; soft?: boolean }>({ queryOptions: { filter: odata`PartitionKey eq ${tenantId}` } });
    for await (const e of it) yield { type: e.type, id: e.objectId, runId: e.runId, ...(e.soft === true ? { soft: true } : {}) };
  }

  async countByType(tenantId: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const it = this.table.listEntities<{ type: string }>({ queryOptions: { filter: odata`PartitionKey eq ${tenantId}`, select: ["type"] } });
    for await (const e of it) out.set(e.type, (out.get(e.type) ?? 0) + 1);
    return out;
  }

  async clear(tenantId: string): Promise<void> {
    const w = this.writer();
    for await (const d of this.list(tenantId)) await w.delete(tenantId, `${d.type}|${d.id}`);
    await w.flush();
  }
}
