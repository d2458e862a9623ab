import { odata, type TableClient } from "@azure/data-tables";
import type { Json } from "../graph/resource.js";
import { decodeData, encodeData } from "./entity-codec.js";
import { allOf, anyOf } from "./odata-compose.js";
import { bucketOf, OBJECT_BUCKETS, objectPartition, safeKey } from "./keys.js";

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
}

export interface ObjectRow extends Omit<StoredMeta, "call" | "scan"> {
  readonly id: string;
  readonly name: string;
  readonly data: Record<string, Json>;
}

/** Filters hold at most 15 comparisons (FACTS); one is the PartitionKey. */
const IDS_PER_QUERY = 14;

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

  /** Stored hashes for a page's IDs: a few key-only queries per bucket, never one read per object. */
  async metaOf(type: string, ids: readonly string[]): Promise<Map<string, StoredMeta>> {
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
      for (let i = 0; i < keys.length; i += IDS_PER_QUERY) {
        const chunk = keys.slice(i, i + IDS_PER_QUERY);
        const filter = allOf(odata`PartitionKey eq ${pk}`, anyOf(chunk.map((k) => odata`RowKey eq ${k}`)));
        queries.push(
          (async () => {
            const it = this.table.listEntities<StoredMeta>({
              queryOptions: { filter, select: ["RowKey", "hash", "run", "seq", "op", "call", "scan"] },
            });
            for await (const e of it) out.set(e.rowKey ?? "", { hash: e.hash, run: e.run, seq: e.seq, op: e.op, call: e.call, scan: e.scan });
          })(),
        );
      }
    }
    await Promise.all(queries);
    return out;
  }

  /** Every row of a type, bucket by bucket; only the listed properties when `select` is given. */
  async *list(type: string, filter?: string): AsyncGenerator<ObjectRow> {
    for (let b = 0; b < OBJECT_BUCKETS; b++) {
      const pk = objectPartition(this.tenantId, type, b);
      const f = allOf(odata`PartitionKey eq ${pk}`, filter);
      for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: f } })) {
        yield {
          id: e.rowKey ?? "",
          name: String(e.name ?? ""),
          hash: String(e.hash ?? ""),
          run: String(e.run ?? ""),
          seq: Number(e.seq ?? 0),
          op: e.op === "a" ? "a" : "u",
          data: decodeData(e),
        };
      }
    }
  }

  /** One bucket's rows after a row key, in key order; `filter` is an odata-built clause. */
  async *listBucket(type: string, bucket: number, after: string, filter?: string): AsyncGenerator<ObjectRow> {
    const pk = objectPartition(this.tenantId, type, bucket);
    const f = allOf(odata`PartitionKey eq ${pk}`, odata`RowKey gt ${after}`, filter);
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: f } })) {
      yield { id: e.rowKey ?? "", name: String(e.name ?? ""), hash: String(e.hash ?? ""), run: String(e.run ?? ""), seq: Number(e.seq ?? 0), op: e.op === "a" ? "a" : "u", data: decodeData(e) };
    }
  }

  /** IDs whose scan marker is not `scan`: what a full scan did not see. */
  async *unseen(type: string, scan: string): AsyncGenerator<string> {
    for (let b = 0; b < OBJECT_BUCKETS; b++) {
      const pk = objectPartition(this.tenantId, type, b);
      const it = this.table.listEntities<{ scan: string }>({
        queryOptions: { filter: odata`PartitionKey eq ${pk} and scan ne ${scan}`, select: ["RowKey"] },
      });
      for await (const e of it) yield e.rowKey ?? "";
    }
  }

  /** Rows of a type, counted with a keys-only query. */
  async count(type: string): Promise<number> {
    let n = 0;
    for (let b = 0; b < OBJECT_BUCKETS; b++) {
      const pk = objectPartition(this.tenantId, type, b);
      for await (const _ of this.table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ["RowKey"] } })) n++;
    }
    return n;
  }

  async get(type: string, id: string): Promise<ObjectRow | undefined> {
    const rows = this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${this.partitionOf(type, id)} and RowKey eq ${safeKey(id)}` },
    });
    for await (const e of rows) {
      return { id, name: String(e.name ?? ""), hash: String(e.hash ?? ""), run: String(e.run ?? ""), seq: Number(e.seq ?? 0), op: e.op === "a" ? "a" : "u", data: decodeData(e) };
    }
    return undefined;
  }
}
