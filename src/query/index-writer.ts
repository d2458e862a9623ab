import type { Json } from "../domain/graph-object.js";
import type { StoredMeta } from "../store/object-store.js";
import type { PageContext } from "../sync/page-context.js";
import { indexPartition, indexRowKey, stemsOf } from "./index-keys.js";

/** What the object row carries: the stems its index rows hold, so the next write knows which to remove. */
export interface IndexColumn {
  readonly column: { readonly ix?: string };
  /** The row's `ix` column differs from `column` (a Merge must set it where the row is not rewritten). */
  readonly stale: boolean;
}

const parse = (ix: string | undefined): Record<string, string[]> => {
  if (ix === undefined) return {};
  try {
    const v = JSON.parse(ix) as unknown;
    return v && typeof v === "object" ? (v as Record<string, string[]>) : {};
  } catch {
    return {};
  }
};

/**
 * Keeps an object's index rows in step with its data, on the page's object
 * writer (same table; its own partitions, so its own transactions). Only
 * changed stems are written: a new one upserted, a gone one deleted. A row
 * with no `ix` (stored before indexing) or written earlier by this run (a
 * resumed page: its index rows may not have been committed) gets all of
 * them again; upserts are idempotent. Stale index rows only widen a read:
 * a query checks every candidate against the object.
 */
export async function indexObject(ctx: PageContext, id: string, stored: StoredMeta | undefined, data: Readonly<Record<string, Json>>): Promise<IndexColumn> {
  const stems = stemsOf(ctx.m, data);
  const props = Object.keys(stems);
  if (props.length === 0) return { column: {}, stale: false };
  const ix = JSON.stringify(stems);
  const stale = stored?.ix !== ix;
  const all = stored?.ix === undefined || stored.run === ctx.runId;
  if (!stale && !all) return { column: { ix }, stale };
  const old = parse(stored?.ix);
  for (const p of props) {
    const pk = indexPartition(ctx.tenantId, ctx.m.type, p);
    const before = new Set(old[p] ?? []);
    const now = new Set(stems[p]);
    for (const s of now) if (all || !before.has(s)) await ctx.objectWriter.upsert({ partitionKey: pk, rowKey: indexRowKey(s, id), id });
    for (const s of before) if (!now.has(s)) await ctx.objectWriter.delete(pk, indexRowKey(s, id));
  }
  return { column: { ix }, stale };
}
