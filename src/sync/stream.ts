import { randomUUID } from "node:crypto";
import type { Json, GraphObject, ResourceModule } from "../graph/resource.js";
import { project } from "../graph/resource.js";
import { BatchWriter } from "../store/batch-writer.js";
import type { Container } from "../store/member-store.js";
import type { ObjectStore, StoredMeta } from "../store/object-store.js";
import { zeroCounters, type StreamCounters, type StreamState } from "../store/sync-state.js";
import { contentHash } from "./content-hash.js";
import { DeltaTokenExpired, PermissionDenied, type GraphPage, type PageSource } from "./graph-source.js";
import type { ScopeCheck } from "./filters.js";
import type { SyncStores } from "./stores.js";

export interface StreamInput {
  readonly tenantId: string;
  readonly module: ResourceModule;
  readonly runId: string;
  /** Ignore the stored deltaLink and scan everything. */
  readonly fullScan: boolean;
  readonly scope: ScopeCheck;
  /** Fingerprint of the scope; a change since the last run forces a full scan. */
  readonly scopeHash: string;
  /** Stop after the checkpoint that passes this much time; the caller continues later. */
  readonly budgetMs: number;
  /** State key: the type, or "preview|type". */
  readonly stateKey?: string;
  /**
   * Preview: classify against this live store, write every in-scope object
   * to the (preview) stores with its change, and stage no deletion.
   */
  readonly previewOf?: ObjectStore;
}

export interface StreamProgress {
  readonly type: string;
  readonly done: boolean;
  readonly status: StreamState["status"];
  readonly mode: StreamState["mode"];
  readonly counters: StreamCounters;
  readonly missingPermission: string | null;
  readonly error: string | null;
  readonly writes: { readonly transactions: number; readonly entities: number };
}

export interface StreamDeps {
  readonly graph: PageSource;
  readonly stores: SyncStores;
  readonly now?: () => number;
}

const removedReason = (o: GraphObject): string | undefined => {
  const r = o["@removed"];
  return r && typeof r === "object" && !Array.isArray(r) ? String(r.reason ?? "deleted") : undefined;
};

interface LinkOp {
  readonly containerId: string;
  readonly memberId: string;
  readonly remove: boolean;
  readonly memberType: string;
}

const firstUrl = (m: ResourceModule): string => (m.mode === "delta" ? `${m.path}/delta` : m.path);

/**
 * Runs one type's stream for one run, page by page, until it ends or the
 * time budget is spent. Durable after every checkpoint: a call that dies
 * resumes at the last one, with no loss and (rows being idempotent) no
 * duplicates. Throws on failures that outlast the Graph client's retries.
 */
export async function runStream(deps: StreamDeps, input: StreamInput): Promise<StreamProgress> {
  const now = deps.now ?? Date.now;
  const started = now();
  const { stores, graph } = deps;
  const { module: m, tenantId, runId } = input;
  const key = input.stateKey ?? m.type;
  const container: Container | undefined = m.members?.container;

  const previous = await stores.state.get(tenantId, key);
  let state: StreamState;
  let everSynced: boolean;
  if (previous && previous.runId === runId) {
    state = previous;
    everSynced = previous.deltaLink !== null || previous.total > 0 || previous.mode === "delta";
    if (state.status !== "running") return progress(state, { transactions: 0, entities: 0 });
  } else {
    const preview = input.previewOf !== undefined;
    const full = preview || input.fullScan || m.mode === "list" || !previous?.deltaLink || previous.filterHash !== input.scopeHash;
    everSynced = Boolean(previous?.deltaLink) || (previous?.total ?? 0) > 0;
    state = {
      type: m.type,
      runId,
      mode: full ? "full" : "delta",
      nextUrl: full ? null : (previous?.deltaLink ?? null),
      deltaLink: preview ? null : (previous?.deltaLink ?? null),
      seq: 0,
      counters: zeroCounters(),
      status: "running",
      error: null,
      missingPermission: null,
      filterHash: input.scopeHash,
      total: previous?.total ?? 0,
      memberTotal: previous?.memberTotal ?? 0,
      startedAt: new Date(now()).toISOString(),
      endedAt: null,
      warnings: previous?.warnings ?? [],
      warningsAt: previous?.warningsAt ?? null,
    };
    await stores.state.put(tenantId, key, state);
  }

  const objectWriter = new BatchWriter(stores.objects.table);
  const linkWriter = new BatchWriter(stores.members.table);
  const heldWriter = stores.held.writer();
  const checkpointSeq = state.seq;
  const call = randomUUID();
  // Groups and roles repeat across pages with further member chunks: count each once per call.
  // Other types rarely repeat, so they keep no set and memory stays flat.
  const repeats = new Set<string>();
  const firstSight = (key: string): boolean => {
    if (!container && !input.previewOf) return true;
    if (repeats.has(key)) return false;
    repeats.add(key);
    return true;
  };
  const counters = state.counters;

  const writes = () => ({
    transactions: objectWriter.stats.transactions + linkWriter.stats.transactions + heldWriter.stats.transactions,
    entities: objectWriter.stats.entities + linkWriter.stats.entities + heldWriter.stats.entities,
  });

  const checkpoint = async (): Promise<void> => {
    await Promise.all([objectWriter.flush(), linkWriter.flush(), heldWriter.flush()]);
    await stores.state.put(tenantId, key, state);
  };

  const stageDeletion = async (id: string): Promise<void> => {
    await heldWriter.upsert(stores.held.entity(tenantId, { type: m.type, id, runId }));
    counters.deleted++;
  };

  const applyPreviewPage = async (page: GraphPage, seq: number): Promise<void> => {
    const live = await input.previewOf!.metaOf(m.type, page.value.map((o) => o.id));
    for (const o of page.value) {
      if (removedReason(o) !== undefined) continue;
      counters.objects++;
      if (!input.scope.inScope(o)) {
        if (firstSight(o.id)) counters.filtered++;
        continue;
      }
      const data: Record<string, Json> = project(m, o);
      const hash = contentHash(data);
      const was = live.get(o.id);
      const change = !was ? "add" : was.hash !== hash ? "update" : "same";
      if (firstSight(`seen|${o.id}`)) {
        if (change === "add") counters.added++;
        else if (change === "update") counters.updated++;
      }
      await objectWriter.upsert({ ...stores.objects.entity(m.type, o.id, { name: m.name(o), hash, run: runId, seq, op: change === "add" ? "a" : "u", call, scan: runId, data }), change });
      const links = o["members@delta"];
      if (Array.isArray(links)) counters.memberAdds += links.length;
    }
  };

  const applyPage = async (page: GraphPage, seq: number): Promise<void> => {
    if (input.previewOf) return applyPreviewPage(page, seq);
    // The first full scan into an empty store has nothing to compare with.
    const needMeta = everSynced || state.mode === "delta";
    const meta = needMeta ? await stores.objects.metaOf(m.type, page.value.map((o) => o.id)) : new Map<string, StoredMeta>();
    const linkOps: LinkOp[] = [];
    for (const o of page.value) {
      const reason = removedReason(o);
      const stored = meta.get(o.id);
      if (reason !== undefined) {
        if (stored) await stageDeletion(o.id);
        continue;
      }
      counters.objects++;
      if (!input.scope.inScope(o)) {
        if (firstSight(o.id)) counters.filtered++;
        // Fell out of scope since it was stored.
        if (stored) await stageDeletion(o.id);
        continue;
      }
      const data: Record<string, Json> = project(m, o);
      const hash = contentHash(data);
      // Rows this run wrote before the last checkpoint are in the saved counters;
      // rows of a lost segment (an earlier, failed call) are not, and count again.
      const countedBefore = stored?.run === runId && (stored.seq <= checkpointSeq || stored.call === call);
      const lostSegment = stored?.run === runId && !countedBefore;
      const op: "a" | "u" = stored && !(stored.run === runId && stored.op === "a") ? "u" : "a";
      if (!countedBefore && (lostSegment || !stored || stored.hash !== hash)) {
        if (op === "a") counters.added++;
        else counters.updated++;
      }
      if (!stored || stored.hash !== hash) {
        await objectWriter.upsert(stores.objects.entity(m.type, o.id, { name: m.name(o), hash, run: runId, seq, op, call, scan: runId, data }));
      } else if (state.mode === "full" && stored.scan !== runId) {
        // Unchanged: only the mark that the full scan saw it.
        await objectWriter.upsert({ partitionKey: stores.objects.partitionOf(m.type, o.id), rowKey: o.id, scan: runId }, "Merge");
      }
      if (container) {
        const links = o["members@delta"];
        if (Array.isArray(links)) {
          for (const l of links) {
            if (!l || typeof l !== "object" || Array.isArray(l) || typeof l.id !== "string") continue;
            const memberType = String(l["@odata.type"] ?? "#microsoft.graph.directoryObject").replace("#microsoft.graph.", "");
            linkOps.push({ containerId: o.id, memberId: l.id, remove: l["@removed"] !== undefined, memberType });
          }
        }
      }
    }
    if (container && linkOps.length > 0) await applyLinks(container, linkOps);
  };

  /**
   * Graph reports every link a delta round touched, even when changes cancel
   * out; counting against what is stored keeps the history exact. A full
   * scan recounts from the store at its end instead.
   */
  const applyLinks = async (c: Container, ops: LinkOp[]): Promise<void> => {
    const stored = state.mode === "delta" ? await stores.members.existing(c, ops) : undefined;
    for (const op of ops) {
      const present = stored?.has(stores.members.rowKey(op.containerId, op.memberId)) ?? false;
      if (op.remove) {
        await linkWriter.delete(stores.members.partitionOf(c, op.containerId), stores.members.rowKey(op.containerId, op.memberId));
        if (present || !stored) counters.memberRemoves++;
      } else {
        await linkWriter.upsert(stores.members.entity(c, op.containerId, op.memberId, op.memberType, runId));
        if (!present) counters.memberAdds++;
      }
    }
  };

  const sweep = async (): Promise<void> => {
    for await (const id of stores.objects.unseen(m.type, runId)) await stageDeletion(id);
    if (container) {
      for await (const row of stores.members.all(container, runId)) {
        await linkWriter.delete(row.partitionKey, row.rowKey);
        counters.memberRemoves++;
      }
    }
  };

  // The next page is requested while this one is written: the stream then
  // waits on Graph, not on Graph plus the table. Durability is unchanged, as
  // a page's link is saved only after its rows are.
  let prefetched: Promise<GraphPage> | undefined;
  const fetchPage = (url: string | null): Promise<GraphPage> => graph.page(url ?? firstUrl(m), url ? undefined : m.select);

  try {
    for (;;) {
      let page: GraphPage;
      try {
        page = await (prefetched ?? fetchPage(state.nextUrl));
      } catch (err) {
        prefetched = undefined;
        if (err instanceof DeltaTokenExpired) {
          // The token is gone: start over as a full scan; what it does not see is swept.
          state.mode = "full";
          state.nextUrl = null;
          state.deltaLink = null;
          everSynced = true;
          continue;
        }
        if (err instanceof PermissionDenied) {
          state.status = "skipped";
          state.missingPermission = m.permission;
          state.error = `missing permission ${m.permission}`;
          state.endedAt = new Date(now()).toISOString();
          await checkpoint();
          return progress(state, writes());
        }
        throw err;
      }
      prefetched = undefined;
      if (page.nextLink && now() - started < input.budgetMs) {
        prefetched = fetchPage(page.nextLink);
        // Handled where it is awaited; this only keeps an early failure from counting as unhandled.
        prefetched.catch(() => undefined);
      }
      state.seq++;
      counters.pages++;
      await applyPage(page, state.seq);
      if (page.nextLink) {
        // Every page ends durable: its rows committed, then the link to the next one saved.
        state.nextUrl = page.nextLink;
        await checkpoint();
        if (!prefetched) return progress(state, writes());
        continue;
      }
      if (state.mode === "full" && !input.previewOf) {
        await Promise.all([objectWriter.flush(), linkWriter.flush()]);
        await sweep();
      }
      if (state.mode === "full") {
        // A full scan may meet an object twice (FACTS): the store's own count is the truth.
        await Promise.all([objectWriter.flush(), linkWriter.flush()]);
        state.total = await stores.objects.count(m.type);
        if (input.previewOf) state.memberTotal = counters.memberAdds;
        else if (container) state.memberTotal = await stores.members.count(container);
        if (!everSynced && !input.previewOf) counters.added = state.total;
      } else {
        state.total += counters.added;
        state.memberTotal += counters.memberAdds - counters.memberRemoves;
      }
      state.deltaLink = input.previewOf ? null : (page.deltaLink ?? null);
      state.nextUrl = null;
      state.status = "done";
      state.endedAt = new Date(now()).toISOString();
      await checkpoint();
      return progress(state, writes());
    }
  } catch (err) {
    // Leave the last checkpoint as it is: the retry resumes there.
    await Promise.allSettled([objectWriter.flush(), linkWriter.flush(), heldWriter.flush()]);
    throw err;
  }
}

function progress(state: StreamState, writes: { transactions: number; entities: number }): StreamProgress {
  return {
    type: state.type,
    done: state.status !== "running",
    status: state.status,
    mode: state.mode,
    counters: { ...state.counters },
    missingPermission: state.missingPermission,
    error: state.error,
    writes,
  };
}
