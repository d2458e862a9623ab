import { odata } from "@azure/data-tables";
import { z } from "zod";
import type { ResourceModule } from "../graph/resource.js";
import { OBJECT_BUCKETS } from "../store/keys.js";
import type { ObjectRow, ObjectStore } from "../store/object-store.js";
import { decodeToken, encodeToken } from "../api/paging.js";
import type { Expr } from "./ast.js";
import { fold } from "./evaluate.js";
import { matches } from "./evaluate.js";
import { indexPartition, inRange, stemsOf, type IndexRange } from "./index-keys.js";
import { rangesOf } from "./plan.js";

/** Index path: range `r`, after that range's RowKey. Scan path: bucket `b`, after that object ID. */
const indexCursor = z.object({ r: z.number().int().min(0), after: z.string().max(1100) }).strict();
const scanCursor = z.object({ b: z.number().int().min(0), after: z.string().max(300) }).strict();

export interface FilterPageOptions {
  readonly pageSize: number;
  readonly continuationToken?: string | undefined;
  /** `search`: a display-name prefix, lower case. */
  readonly namePrefix?: string | undefined;
}

export interface FilterPage {
  readonly items: ObjectRow[];
  readonly continuationToken?: string;
  /** How it was served: "index" (key ranges of index rows) or "scan" (every row of the type). */
  readonly served: "index" | "scan";
}

/** Candidates are read this many index rows at a time, then fetched by key. */
const CHUNK = 100;

/**
 * One page of a type's objects matching a checked filter. Where an index
 * serves it, its ranges are read in order (value, then ID), each candidate
 * fetched by key and checked; one met in an earlier range is skipped, so
 * `or` and overlapping ranges list it once. Otherwise the type's rows are
 * read bucket by bucket and checked. A full page always carries a token;
 * the last page may then be empty.
 */
export async function filterPage(store: ObjectStore, m: ResourceModule, expr: Expr, o: FilterPageOptions): Promise<FilterPage> {
  const wanted = (row: ObjectRow): boolean => matches(expr, row.data) && (o.namePrefix === undefined || fold(row.name).startsWith(o.namePrefix));
  const ranges = rangesOf(m, expr);
  if (!ranges) return scanPage(store, m, wanted, o);
  const cursor = decodeToken(o.continuationToken, indexCursor) ?? { r: 0, after: "" };
  const items: ObjectRow[] = [];
  for (let r = cursor.r; r < ranges.length; r++) {
    const range = ranges[r]!;
    const earlier = ranges.slice(0, r);
    const pk = indexPartition(store.tenantId, m.type, range.prop);
    const after = r === cursor.r ? cursor.after : "";
    const end = `${range.prefix}\uffff`;
    const filter = after ? odata`PartitionKey eq ${pk} and RowKey gt ${after} and RowKey lt ${end}` : odata`PartitionKey eq ${pk} and RowKey ge ${range.prefix} and RowKey lt ${end}`;
    let chunk: Array<{ key: string; id: string }> = [];
    const drain = async (): Promise<string | undefined> => {
      const rows = await store.liveRows(m.type, chunk.map((c) => c.id));
      for (const c of chunk) {
        const row = rows.get(store.rowKeyOf(c.id));
        if (!row || !wanted(row) || isEarlier(m, earlier, row)) continue;
        items.push(row);
        if (items.length === o.pageSize) return c.key;
      }
      chunk = [];
      return undefined;
    };
    for await (const e of store.table.listEntities<{ id?: unknown }>({ queryOptions: { filter, select: ["RowKey", "id"] } })) {
      if (typeof e.id === "string") chunk.push({ key: e.rowKey ?? "", id: e.id });
      if (chunk.length < CHUNK) continue;
      const last = await drain();
      if (last !== undefined) return { items, continuationToken: encodeToken({ r, after: last }), served: "index" };
    }
    const last = await drain();
    if (last !== undefined) return { items, continuationToken: encodeToken({ r, after: last }), served: "index" };
  }
  return { items, served: "index" };
}

/** Listed already from an earlier range: the object has a stem in it, so its index row is there. */
const isEarlier = (m: ResourceModule, earlier: readonly IndexRange[], row: ObjectRow): boolean => {
  if (earlier.length === 0) return false;
  const stems = stemsOf(m, row.data);
  return earlier.some((r) => inRange(stems, r));
};

async function scanPage(store: ObjectStore, m: ResourceModule, wanted: (row: ObjectRow) => boolean, o: FilterPageOptions): Promise<FilterPage> {
  const cursor = decodeToken(o.continuationToken, scanCursor) ?? { b: 0, after: "" };
  const items: ObjectRow[] = [];
  const nameFilter = o.namePrefix ? odata`name ge ${o.namePrefix} and name lt ${`${o.namePrefix}\uffff`}` : undefined;
  for (let b = cursor.b; b < OBJECT_BUCKETS; b++) {
    for await (const row of store.listBucket(m.type, b, b === cursor.b ? cursor.after : "", nameFilter)) {
      if (!wanted(row)) continue;
      items.push(row);
      if (items.length === o.pageSize) return { items, continuationToken: encodeToken({ b, after: row.id }), served: "scan" };
    }
  }
  return { items, served: "scan" };
}
