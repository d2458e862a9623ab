import { odata, type TableClient } from "@azure/data-tables";
import type { Json } from "../domain/graph-object.js";
import { decodeData, encodeData } from "./entity-codec.js";
import { allOf, keyFilters } from "./odata-compose.js";
import { bucketOf, OBJECT_BUCKETS, objectPartition, safeKey } from "./keys.js";
import { textOf } from "../domain/text.js";

/** What the engine needs to know of a stored object without reading its data. */
export interface StoredMeta {
  readonly hash: string;
  /** The run that last wrote the row and the page it came from; used on resume. */
  readonly run: string;
  readonly seq: number;
  readonly op: "a" | "u";
  /** The stream call that wrote it: tells a lost segment from this call's own earlier pages. */
  readonly call: string;
  readonly scan: string;
  /** Soft-deleted (removed with reason `changed`): out of the live set, kept for a restore. */
  readonly hidden: boolean;
  /** The stems of the object's filter index rows (src/query/index-writer.ts); absent on rows stored before indexing. */
  readonly ix?: string;
  /** The stored properties; read only when asked for (a delta round merges over them). */
  readonly data?: Record<string, Json>;
}

export interface ObjectRow extends Omit<StoredMeta, "call" | "scan" | "hidden" | "data" | "ix"> {
  readonly id: string;
  readonly name: string;
  readonly data: Record<string, Json>;
}

const META = ["RowKey", "hash", "run", "seq", "op", "call", "scan", "hidden", "ix"];

type Raw = Record<string, unknown>;

/** The one decoder of an object row's bookkeeping columns. */
const metaOf = (e: Raw): Omit<StoredMeta, "data"> => ({
  hash: textOf(e.hash),
  run: textOf(e.run),
  seq: Number(e.seq ?? 0),
  op: e.op === "a" ? "a" : "u",
  call: textOf(e.call),
  scan: textOf(e.scan),
  hidden: e.hidden === true,
  ...(typeof e.ix === "string" ? { ix: e.ix } : {}),
});

const rowOf = (e: Raw & { rowKey?: string }): ObjectRow => {
  const { hash, run, seq, op } = metaOf(e);
  return { id: e.rowKey ?? "", name: textOf(e.name), hash, run, seq, op, data: decodeData(e) };
};

/**
 * Directory objects of one tenant, spread over hash buckets per type:
 * PartitionKey `tenant|type|bucket`, RowKey the object ID.
 */
export class ObjectStore {
  constructor(
    readonly table: TableClient,
    readonly tenantId: string,
  ) {}

  partitionOf(type: string, id: string): string {
    return objectPartition(this.tenantId, type, bucketOf(id, OBJECT_BUCKETS));
  }

  rowKeyOf(id: string): string {
    return safeKey(id);
  }

  entity(type: string, id: string, fields: { name: string; hash: string; run: string; seq: number; op: "a" | "u"; call: string; scan: string; data: Record<string, Json> }) {
    return {
      partitionKey: this.partitionOf(type, id),
      rowKey: safeKey(id),
      name: fields.name.toLowerCase().slice(0, 512),
      hash: fields.hash,
      run: fields.run,
      seq: fields.seq,
      op: fields.op,
      call: fields.call,
      scan: fields.scan,
      ...encodeData(fields.data),
    };
  }

  /**
   * Stored state for a page's IDs: a few key-only queries per bucket, never
   * one read per object. With `withData` the same queries also bring the
   * stored properties, for a delta round to merge over.
   */
  async metaOf(type: string, ids: readonly string[], withData = false): Promise<Map<string, StoredMeta>> {
    const byPartition = new Map<string, string[]>();
    for (const id of ids) {
      const pk = this.partitionOf(type, id);
      const list = byPartition.get(pk) ?? [];
      list.push(safeKey(id));
      byPartition.set(pk, list);
    }
    const out = new Map<string, StoredMeta>();
    const queries: Promise<void>[] = [];
    for (const [pk, keys] of byPartition) {
      for (const filter of keyFilters(pk, keys)) {
        queries.push(
          (async () => {
            // With data, every property: the data chunks are numbered, so they cannot be named in advance.
            const it = this.table.listEntities<Raw>({ queryOptions: withData ? { filter } : { filter, select: META } });
            for await (const e of it) {
              out.set(e.rowKey ?? "", { ...metaOf(e), ...(withData ? { data: decodeData(e) } : {}) });
            }
          })(),
        );
      }
    }
    await Promise.all(queries);
    return out;
  }

  /**
   * The stored data of rows whose keys span from the least to the greatest
   * of `ids` in each bucket: one range query per bucket. For IDs that are
   * dense in their range (a browse page walks a bucket in key order).
   */
  async dataInRange(type: string, ids: readonly string[]): Promise<Map<string, Record<string, Json>>> {
    const byPartition = new Map<string, { lo: string; hi: string }>();
    for (const id of ids) {
      const pk = this.partitionOf(type, id);
      const k = safeKey(id);
      const r = byPartition.get(pk);
      byPartition.set(pk, r ? { lo: k < r.lo ? k : r.lo, hi: k > r.hi ? k : r.hi } : { lo: k, hi: k });
    }
    const out = new Map<string, Record<string, Json>>();
    await Promise.all(
      [...byPartition].map(async ([pk, { lo, hi }]) => {
        const filter = odata`PartitionKey eq ${pk} and RowKey ge ${lo} and RowKey le ${hi}`;
        for await (const e of this.table.listEntities<Raw>({ queryOptions: { filter } })) if (e.hidden !== true) out.set(e.rowKey ?? "", decodeData(e));
      }),
    );
    return out;
  }

  /** Soft delete: the row leaves the live set but keeps its data for a restore. */
  hideEntity(type: string, id: string, at: string) {
    return { partitionKey: this.partitionOf(type, id), rowKey: safeKey(id), hidden: true, hiddenAt: at };
  }

  /** Every live row of a type, bucket by bucket; `filter` is an odata-built clause. */
  async *list(type: string, filter?: string): AsyncGenerator<ObjectRow> {
    for (let b = 0; b < OBJECT_BUCKETS; b++) {
      const pk = objectPartition(this.tenantId, type, b);
      const f = allOf(odata`PartitionKey eq ${pk}`, filter);
      // Hidden rows are skipped here, not in the filter: a filter on a property a row lacks never matches it.
      for await (const e of this.table.listEntities<Raw>({ queryOptions: { filter: f } })) if (e.hidden !== true) yield rowOf(e);
    }
  }

  /** One bucket's live rows after a row key, in key order; `filter` is an odata-built clause. */
  async *listBucket(type: string, bucket: number, after: string, filter?: string): AsyncGenerator<ObjectRow> {
    const pk = objectPartition(this.tenantId, type, bucket);
    const f = allOf(odata`PartitionKey eq ${pk}`, odata`RowKey gt ${after}`, filter);
    for await (const e of this.table.listEntities<Raw>({ queryOptions: { filter: f } })) if (e.hidden !== true) yield rowOf(e);
  }

  /**
   * Rows a full scan did not see (scan marker not `scan`). A hidden row is
   * not in a full scan either, as Graph lists no soft-deleted object; it is
   * reported with the time it was hidden.
   */
  async *unseen(type: string, scan: string): AsyncGenerator<{ id: string; hiddenAt?: string }> {
    for (let b = 0; b < OBJECT_BUCKETS; b++) {
      const pk = objectPartition(this.tenantId, type, b);
      const it = this.table.listEntities<Raw>({
        queryOptions: { filter: odata`PartitionKey eq ${pk} and scan ne ${scan}`, select: ["RowKey", "hidden", "hiddenAt"] },
      });
      for await (const e of it) yield { id: e.rowKey ?? "", ...(e.hidden === true ? { hiddenAt: textOf(e.hiddenAt) } : {}) };
    }
  }

  /** Live rows of a type, counted with a keys-only query. */
  async count(type: string): Promise<number> {
    let n = 0;
    for (let b = 0; b < OBJECT_BUCKETS; b++) {
      const pk = objectPartition(this.tenantId, type, b);
      for await (const e of this.table.listEntities<Raw>({ queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ["RowKey", "hidden"] } })) if (e.hidden !== true) n++;
    }
    return n;
  }

  /** The live rows of these IDs (absent and soft-deleted ones left out): a few key queries per bucket, run together. */
  async liveRows(type: string, ids: readonly string[]): Promise<Map<string, ObjectRow>> {
    const byPartition = new Map<string, string[]>();
    for (const id of ids) {
      const pk = this.partitionOf(type, id);
      byPartition.set(pk, [...(byPartition.get(pk) ?? []), safeKey(id)]);
    }
    const out = new Map<string, ObjectRow>();
    await Promise.all(
      [...byPartition].flatMap(([pk, keys]) =>
        keyFilters(pk, keys).map(async (filter) => {
          for await (const e of this.table.listEntities<Raw>({ queryOptions: { filter } })) if (e.hidden !== true) out.set(e.rowKey ?? "", rowOf(e));
        }),
      ),
    );
    return out;
  }

  /** A live row, or undefined (a soft-deleted object is not live). */
  async get(type: string, id: string): Promise<ObjectRow | undefined> {
    const rows = this.table.listEntities<Raw>({
      queryOptions: { filter: odata`PartitionKey eq ${this.partitionOf(type, id)} and RowKey eq ${safeKey(id)}` },
    });
    for await (const e of rows) return e.hidden === true ? undefined : rowOf({ ...e, rowKey: id });
    return undefined;
  }
}
