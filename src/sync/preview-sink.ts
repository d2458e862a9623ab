import type { Json } from "../domain/graph-object.js";
import { merge, mergedView, project } from "../graph/resource.js";
import type { ObjectStore } from "../store/object-store.js";
import { previewKey } from "../store/preview-store.js";
import type { Tables } from "../store/tables.js";
import { contentHash } from "./content-hash.js";
import type { GraphPage } from "./graph-source.js";
import { removedReason, skipBad, usableId, type PageContext } from "./page-context.js";
import type { PageSink, StreamTarget } from "./page-sink.js";
import { syncStores } from "./stores.js";
import { countLink, linkCounts, setLinkTotal } from "./link-counts.js";

/**
 * A preview of the tenant's next sync: every page is classified against
 * the live store and written, with its change, to the preview stores. It
 * always scans in full, keeps no deltaLink and stages no deletion. Its
 * stores are in the previews table, under the preview's own key.
 */
export function previewTarget(tables: Tables, tenantId: string, runId: string): StreamTarget {
  const key = previewKey(tenantId, runId);
  const liveStore = syncStores(tables, tenantId).objects;
  const stores = syncStores(tables, key, "preview");
  const sink: PageSink = {
    stateKey: key,
    deltaRounds: false,
    // It merges only over its own rows of this run: it asks for whole objects.
    acceptsMinimal: false,
    countOnce: "all",
    writers: [],
    apply: (ctx, page, seq) => applyPreviewPage(ctx, liveStore, page, seq),
    async endRound(ctx) {
      // A full scan may meet an object twice (concepts/delta-query-overview.md: the same resource may be returned more than once): the store's own count is the truth.
      await Promise.all([ctx.objectWriter.flush(), ctx.linkWriter.flush()]);
      ctx.state.total = await stores.objects.count(ctx.m.type);
      for (const l of ctx.links) setLinkTotal(ctx.state, l, linkCounts(ctx.counters, l).adds);
    },
  };
  return { stores, sink };
}

/**
 * A preview page (always a full scan): classify each in-scope object against
 * the live store and write it to the preview stores with its change; no
 * deletion is staged.
 */
async function applyPreviewPage(ctx: PageContext, liveStore: ObjectStore, page: GraphPage, seq: number): Promise<void> {
  const { m, stores, counters, runId } = ctx;
  const value = page.value.filter((o) => {
    if (usableId(o.id)) return true;
    skipBad(ctx, m.type, o);
    return false;
  });
  const ids = value.map((o) => o.id);
  const live = await liveStore.metaOf(m.type, ids);
  // A group or role met again on a later page (a further member chunk) merges over what this preview wrote.
  const written = ctx.chunked ? await stores.objects.metaOf(m.type, ids, true) : undefined;
  for (const o of value) {
    if (removedReason(o) !== undefined) continue;
    counters.objects++;
    const prior = written?.get(o.id);
    const base = prior?.scan === runId ? prior.data : undefined;
    if (!ctx.scope.inScope(base ? mergedView(base, o) : o)) {
      if (ctx.firstSight(o.id)) counters.filtered++;
      continue;
    }
    const data: Record<string, Json> = base ? merge(m, base, o) : project(m, o);
    const hash = contentHash(data);
    const was = live.get(o.id);
    const change = !was || was.hidden ? "add" : was.hash !== hash ? "update" : "same";
    if (ctx.firstSight(`seen|${o.id}`)) {
      if (change === "add") counters.added++;
      else if (change === "update") counters.updated++;
    }
    const row = stores.objects.entity(m.type, o.id, { name: m.name(mergedView(data, o)), hash, run: runId, seq, op: change === "add" ? "a" : "u", call: ctx.call, scan: runId, data });
    await ctx.objectWriter.upsert({ ...row, change });
    for (const l of ctx.links) {
      const refs = o[`${l.nav}@delta`];
      if (Array.isArray(refs)) countLink(counters, l, "adds", refs.length);
    }
  }
}
