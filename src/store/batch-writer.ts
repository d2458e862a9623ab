import type { TableClient, TableEntity } from "@azure/data-tables";
import { statusOf } from "./status-code.js";
import { submitBatch, type BatchOp } from "./table-batch.js";

/** A transaction holds one PartitionKey and at most 100 entities, each once (Table service REST API, "Performing entity group transactions"). */
export const MAX_BATCH = 100;

type Op = BatchOp;

export interface WriteStats {
  transactions: number;
  entities: number;
}

/**
 * Buffers writes per partition and commits them in transactions of up to
 * 100. A later write of the same row replaces the earlier one in the buffer.
 * Deletes of rows already gone count as done (idempotent).
 */
export class BatchWriter {
  private readonly buffers = new Map<string, Map<string, Op>>();
  readonly stats: WriteStats = { transactions: 0, entities: 0 };

  constructor(private readonly table: TableClient) {}

  upsert(entity: TableEntity, mode: "Merge" | "Replace" = "Replace"): Promise<void> {
    return this.add(entity.partitionKey, entity.rowKey, { kind: "upsert", entity, mode });
  }

  delete(pk: string, rk: string): Promise<void> {
    return this.add(pk, rk, { kind: "delete", pk, rk });
  }

  get pending(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.size;
    return n;
  }

  private async add(pk: string, rk: string, op: Op): Promise<void> {
    let buf = this.buffers.get(pk);
    if (!buf) this.buffers.set(pk, (buf = new Map<string, Op>()));
    buf.delete(rk);
    buf.set(rk, op);
    // Full partitions go out at once; the rest wait for flush() so that transactions stay large.
    if (buf.size >= MAX_BATCH) await this.flushPartition(pk);
  }

  /** Commits everything buffered; after it resolves, every write so far is durable. */
  async flush(): Promise<void> {
    for (const pk of [...this.buffers.keys()]) await this.flushPartition(pk);
  }

  private async flushPartition(pk: string): Promise<void> {
    const buf = this.buffers.get(pk);
    if (!buf || buf.size === 0) return;
    this.buffers.delete(pk);
    const ops = [...buf.values()];
    for (let i = 0; i < ops.length; i += MAX_BATCH) await this.commit(ops.slice(i, i + MAX_BATCH));
  }

  private async commit(ops: Op[]): Promise<void> {
    try {
      await submitBatch(this.table, ops);
      this.stats.transactions++;
      this.stats.entities += ops.length;
    } catch (err) {
      // A delete of a missing row fails the whole transaction with 404: replay one by one, 404 meaning done.
      if (statusOf(err) !== 404 || !ops.some((o) => o.kind === "delete")) throw err;
      for (const op of ops) await this.single(op);
    }
  }

  private async single(op: Op): Promise<void> {
    try {
      if (op.kind === "upsert") await this.table.upsertEntity(op.entity, op.mode);
      else await this.table.deleteEntity(op.pk, op.rk);
      this.stats.transactions++;
      this.stats.entities++;
    } catch (err) {
      if (!(op.kind === "delete" && statusOf(err) === 404)) throw err;
    }
  }
}
