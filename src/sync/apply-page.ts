import type { Json } from "../domain/graph-object.js";
import { merge, mergedView, project } from "../graph/resource.js";
import type { StoredMeta } from "../store/object-store.js";
import { contentHash } from "./content-hash.js";
import type { GraphPage } from "./graph-source.js";
import { removedReason, skipBad, usableId, type PageContext } from "./page-context.js";
import { applyLinks, collectLinks, deleteLinksOf, sweepLinks, type LinkOp } from "./apply-links.js";
import { indexObject } from "../query/index-writer.js";

/** A live page also stages deletions, which the run's fan-in applies or holds. */
export interface LiveContext extends PageContext {
  stageDeletion(id: string, soft: boolean): Promise<void>;
}

/**
 * The stored data a returned object is laid over. In a delta round every
 * stored object: changed objects may carry only their changed properties
 * (concepts/delta-query-overview.md). In a full scan only what this run
 * wrote itself, as an object met again on a later page (with a further
 * member chunk) may carry little but its ID; an older row is replaced.
 */
async function basesOf(ctx: PageContext, page: GraphPage, meta: Map<string, StoredMeta>): Promise<Map<string, Record<string, Json>>> {
  const out = new Map<string, Record<string, Json>>();
  if (ctx.state.mode === "delta") {
    for (const [id, s] of meta) if (s.data) out.set(id, s.data);
    return out;
  }
  const again = page.value.filter((o) => meta.get(o.id)?.scan === ctx.runId).map((o) => o.id);
  if (again.length === 0) return out;
  for (const [id, s] of await ctx.stores.objects.metaOf(ctx.m.type, again, true)) if (s.data) out.set(id, s.data);
  return out;
}

/** Applies one page to the live store: objects merged and written, deletions staged, links applied. */
export async function applyLivePage(ctx: LiveContext, page: GraphPage, seq: number): Promise<void> {
  const { m, stores, state, counters, runId } = ctx;
  const delta = state.mode === "delta";
  const value = page.value.filter((o) => {
    if (usableId(o.id)) return true;
    skipBad(ctx, m.type, o);
    return false;
  });
  // The first full scan into an empty store has nothing to compare with; groups and
  // roles still read, as their repeats on later pages are merged over this run's rows.
  const needMeta = ctx.everSynced() || delta || ctx.chunked;
  const ids = value.map((o) => o.id);
  const meta = needMeta ? await stores.objects.metaOf(m.type, ids, delta) : new Map<string, StoredMeta>();
  const bases = await basesOf(ctx, { value }, meta);
  // Written earlier on this page: a repeat within the page merges over it, not over the row.
  const thisPage = new Map<string, Record<string, Json>>();
  const linkOps: LinkOp[] = [];
  for (const o of value) {
    const reason = removedReason(o);
    const stored = meta.get(o.id);
    const live = stored && !stored.hidden ? stored : undefined;
    if (reason !== undefined) {
      thisPage.delete(o.id);
      if (live) await ctx.stageDeletion(o.id, reason === "changed");
      else if (stored && reason !== "changed") await purgeHidden(ctx, o.id);
      continue;
    }
    counters.objects++;
    const base = thisPage.get(o.id) ?? bases.get(o.id);
    // Filters, hash and name all see the whole object, never the partial item.
    const view = base ? mergedView(base, o) : o;
    if (!ctx.scope.inScope(view)) {
      if (ctx.firstSight(o.id)) counters.filtered++;
      // Fell out of scope since it was stored: deleted for good, and marked seen so the sweep does not stage it again as unseen.
      if (live) {
        await ctx.stageDeletion(o.id, false);
        if (state.mode === "full") await ctx.objectWriter.upsert({ partitionKey: stores.objects.partitionOf(m.type, o.id), rowKey: stores.objects.rowKeyOf(o.id), scan: runId }, "Merge");
      }
      continue;
    }
    const data: Record<string, Json> = base ? merge(m, base, o) : project(m, o);
    const hash = contentHash(data);
    const repeatOnPage = thisPage.has(o.id);
    thisPage.set(o.id, data);
    // Rows this run wrote before the last checkpoint are in the saved counters;
    // rows of a lost segment (an earlier, failed call) are not, and count again.
    const countedBefore = repeatOnPage || (stored?.run === runId && (stored.seq <= ctx.checkpointSeq || stored.call === ctx.call));
    const lostSegment = stored?.run === runId && !countedBefore;
    const restored = stored?.hidden === true;
    const op: "a" | "u" = live && !(live.run === runId && live.op === "a") ? "u" : "a";
    if (!countedBefore && (lostSegment || !live || live.hash !== hash)) {
      if (op === "a") counters.added++;
      else counters.updated++;
    }
    // Filter index rows on the same write path; `ix` on the row names them.
    const index = await indexObject(ctx, o.id, stored, data);
    // The feed lists a write that changed the row, and again a lost segment's, whose feed row may not have committed (at least once).
    if (ctx.feed && (lostSegment || (!repeatOnPage && (!stored || stored.hash !== hash || restored)) || (repeatOnPage && base && contentHash(base) !== hash))) {
      await ctx.feed.object(m.type, o.id, op === "a" ? "added" : "updated", runId, data);
    }
    if (!stored || stored.hash !== hash || restored || repeatOnPage) {
      // Replace: the row is the merged object, and a restored one is no longer hidden.
      await ctx.objectWriter.upsert({ ...stores.objects.entity(m.type, o.id, { name: m.name(mergedView(data, o)), hash, run: runId, seq, op, call: ctx.call, scan: runId, data }), ...index.column });
      if (restored) {
        await ctx.linkWriter.delete(stores.members.parkedPartition(), stores.objects.rowKeyOf(o.id));
        counters.unparked = (counters.unparked ?? 0) + 1;
      }
    } else if (state.mode === "full" && stored.scan !== runId) {
      // Unchanged: only the mark that the full scan saw it.
      await ctx.objectWriter.upsert({ partitionKey: stores.objects.partitionOf(m.type, o.id), rowKey: stores.objects.rowKeyOf(o.id), scan: runId, ...(index.stale ? index.column : {}) }, "Merge");
    } else if (index.stale) {
      await ctx.objectWriter.upsert({ partitionKey: stores.objects.partitionOf(m.type, o.id), rowKey: stores.objects.rowKeyOf(o.id), ...index.column }, "Merge");
    }
    collectLinks(ctx, o, linkOps);
  }
  if (linkOps.length > 0) await applyLinks(ctx, linkOps);
}

/**
 * A hidden (soft-deleted) object now deleted for good: it was already out of
 * the live set and its counts. The links it holds as a parent go with it;
 * those it is the target of go as Graph reports their removal (`<nav>@delta`).
 */
async function purgeHidden(ctx: PageContext, id: string): Promise<void> {
  const { stores, m } = ctx;
  await ctx.objectWriter.delete(stores.objects.partitionOf(m.type, id), stores.objects.rowKeyOf(id));
  await ctx.linkWriter.delete(stores.members.parkedPartition(), stores.objects.rowKeyOf(id));
  await deleteLinksOf(ctx, id);
  ctx.counters.unparked = (ctx.counters.unparked ?? 0) + 1;
}

/** Soft-deleted objects stay restorable for 30 days (api-reference/v1.0/resources/directory.md, deleted items). */
const RESTORABLE_MS = 30 * 86_400_000;

/**
 * End of a full scan: what it did not see leaves the live set, and links it
 * did not see are deleted. A full scan cannot tell a soft-deleted object
 * from one deleted for good, so an unseen object is hidden, not erased: if
 * it was soft-deleted, Graph still holds its links and a restore brings it
 * back (concepts/delta-query-groups.md); if not, its links are gone from
 * Graph, and so from this scan. A row hidden past the restore window goes.
 */
export async function sweep(ctx: LiveContext): Promise<void> {
  const { stores, m } = ctx;
  for await (const row of stores.objects.unseen(m.type, ctx.runId)) {
    if (row.hiddenAt === undefined) await ctx.stageDeletion(row.id, true);
    else if (!(ctx.now() - Date.parse(row.hiddenAt) < RESTORABLE_MS)) await purgeHidden(ctx, row.id);
  }
  await sweepLinks(ctx);
}
