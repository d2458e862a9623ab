import { applyLivePage, sweep, type LiveContext } from "./apply-page.js";
import type { PageContext } from "./page-context.js";
import type { Tables } from "../store/tables.js";
import type { PageSink, StreamTarget } from "./page-sink.js";
import { syncStores, type SyncStores } from "./stores.js";
import { linkCounts, linkTotal, setLinkTotal } from "./link-counts.js";
import { FeedWriter } from "../feed/feed-writer.js";

/**
 * Pages into the tenant's live store: objects merged and written, links
 * applied, deletions staged for the fan-in; a full scan's end sweeps what
 * it did not see and recounts the totals from the store.
 */
export function liveSink(stores: SyncStores, tenantId: string): PageSink {
  const heldWriter = stores.held.writer();
  // One sink per stream call, of one type (its lane): the feed's keys lead with the call's start (feed/cursor.ts).
  const feedBatch = stores.feed?.writer();
  let feed: FeedWriter | undefined;
  const live = (ctx: PageContext): LiveContext => {
    if (stores.feed && feedBatch) feed ??= new FeedWriter(stores.feed, ctx.m.type, Date.now, feedBatch);
    return {
      ...ctx,
      ...(feed ? { feed } : {}),
      async stageDeletion(id, soft) {
        await heldWriter.upsert(stores.held.entity(tenantId, { type: ctx.m.type, id, runId: ctx.runId, soft }));
        ctx.counters.deleted++;
      },
    };
  };
  return {
    stateKey: tenantId,
    deltaRounds: true,
    acceptsMinimal: true,
    // Groups and roles repeat across pages with further member chunks: count each once per call.
    // Other types rarely repeat, so they keep no set and memory stays flat.
    countOnce: "containers",
    writers: feedBatch ? [feedBatch, heldWriter] : [heldWriter],
    apply: (ctx, page, seq) => applyLivePage(live(ctx), page, seq),
    async endRound(ctx) {
      const { state, counters, m, links } = ctx;
      if (state.mode !== "full") {
        state.total += counters.added;
        for (const l of links) {
          const { adds, removes } = linkCounts(counters, l);
          setLinkTotal(state, l, linkTotal(state, l) + adds - removes);
        }
        return;
      }
      await Promise.all([ctx.objectWriter.flush(), ctx.linkWriter.flush()]);
      await sweep(live(ctx));
      // A full scan may meet an object twice (concepts/delta-query-overview.md: the same resource may be returned more than once): the store's own count is the truth.
      await Promise.all([ctx.objectWriter.flush(), ctx.linkWriter.flush()]);
      state.total = await stores.objects.count(m.type);
      for (const l of links) setLinkTotal(state, l, await stores.members.count(l.store));
      if (!ctx.everSynced()) counters.added = state.total;
    },
  };
}

/** A live run's stores and sink. */
export function liveTarget(tables: Tables, tenantId: string): StreamTarget {
  const stores = syncStores(tables, tenantId);
  return { stores, sink: liveSink(stores, tenantId) };
}
