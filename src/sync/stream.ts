import { hash, randomUUID } from "node:crypto";
import type { ResourceModule } from "../graph/resource.js";
import { BatchWriter } from "../store/batch-writer.js";
import { hasMembers, linksOf } from "../domain/synced.js";
import type { StreamState } from "../store/sync-state.js";
import { everything, type ScopeCheck } from "../domain/filters.js";
import { DeltaTokenExpired, GraphRefused, LicenceRequired, PermissionDenied, type GraphPage, type PageSource } from "./graph-source.js";
import { liveSink } from "./live-sink.js";
import type { PageContext } from "./page-context.js";
import type { PageSink } from "./page-sink.js";
import type { SyncStores } from "./stores.js";
import { freshState, progress, type StreamProgress } from "./stream-state.js";

export type { StreamProgress } from "./stream-state.js";

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
}

export interface StreamDeps {
  readonly graph: PageSource;
  readonly stores: SyncStores;
  readonly now?: () => number;
  /** Pages one stream may read in one run (default MAX_PAGES_PER_RUN). */
  readonly maxPages?: number;
}

/**
 * Pages one stream may read in one run: 50,000 pages of 200 objects is ten
 * million, far past any tenant, yet a Graph that never ends a round
 * stops within a day's quota of requests.
 */
export const MAX_PAGES_PER_RUN = 50_000;

/** The stream was stopped: Graph sent a link it had sent before, or more pages than any tenant has. */
export class StreamAborted extends Error {
  override readonly name = "StreamAborted";
}

const linkKey = (url: string): string => hash("sha1", url, "base64url");

const firstUrl = (m: ResourceModule): string => (m.mode === "delta" ? `${m.path}/delta` : m.path);

/**
 * Runs one type's stream for one run, page by page, until it ends or the
 * time budget is spent. Durable after every checkpoint: a call that dies
 * resumes at the last one, with no loss and (rows being idempotent) no
 * duplicates. Throws on failures that outlast the Graph client's retries.
 * Pages go to the sink: the live store unless told otherwise.
 */
export async function runStream(deps: StreamDeps, input: StreamInput, sink: PageSink = liveSink(deps.stores, input.tenantId)): Promise<StreamProgress> {
  const now = deps.now ?? Date.now;
  const started = now();
  const { stores, graph } = deps;
  const { module: m, tenantId, runId } = input;
  const key = m.type;
  const links = linksOf(m.type);
  const chunked = hasMembers(m.type);

  const previous = await stores.state.get(sink.stateKey, key);
  let state: StreamState;
  let everSynced: boolean;
  if (previous && previous.runId === runId) {
    state = previous;
    everSynced = previous.deltaLink !== null || previous.total > 0 || previous.mode === "delta";
    if (state.status !== "running") return progress(state, { transactions: 0, entities: 0 });
  } else {
    state = freshState(input, previous, sink.deltaRounds, now);
    everSynced = Boolean(previous?.deltaLink) || (previous?.total ?? 0) > 0;
    await stores.state.put(sink.stateKey, key, state);
  }

  const objectWriter = new BatchWriter(stores.objects.table);
  const linkWriter = new BatchWriter(stores.members.table);
  const writers = [objectWriter, linkWriter, ...sink.writers];
  const repeats = new Set<string>();
  const counters = state.counters;
  const ctx: PageContext = {
    m,
    tenantId,
    runId,
    stores,
    state,
    counters,
    scope: input.scope,
    links,
    chunked,
    call: randomUUID(),
    checkpointSeq: state.seq,
    objectWriter,
    linkWriter,
    everSynced: () => everSynced,
    firstSight(k) {
      if (!chunked && sink.countOnce === "containers") return true;
      if (repeats.has(k)) return false;
      repeats.add(k);
      return true;
    },
    now,
  };

  const writes = () => ({
    transactions: writers.reduce((n, w) => n + w.stats.transactions, 0),
    entities: writers.reduce((n, w) => n + w.stats.entities, 0),
  });

  const checkpoint = async (): Promise<void> => {
    await Promise.all(writers.map((w) => w.flush()));
    await stores.state.put(sink.stateKey, key, state);
  };

  const end = async (status: "skipped" | "failed", error: string, missingPermission: string | null = null): Promise<StreamProgress> => {
    state.status = status;
    state.missingPermission = missingPermission;
    state.error = error;
    state.endedAt = new Date(now()).toISOString();
    await checkpoint();
    return progress(state, writes());
  };

  // Changed users and groups carry only their changed properties, which
  // the merge makes whole. A filtered stream keeps Graph's default (the whole
  // object), as an object it does not store has nothing to merge over.
  const minimal = m.minimal === true && input.scope === everything && sink.acceptsMinimal;

  // The next page is requested while this one is written: the stream then
  // waits on Graph, not on Graph plus the table. Durability is unchanged, as
  // a page's link is saved only after its rows are.
  let prefetched: Promise<GraphPage> | undefined;
  const fetchPage = (url: string | null): Promise<GraphPage> => graph.page(url ?? firstUrl(m), url ? undefined : m.select, { minimal });
  // Links this call has followed: Graph never sends one twice in a round, so a repeat is a loop.
  const followed = new Set<string>();

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
          followed.clear();
          continue;
        }
        if (err instanceof PermissionDenied) return await end("skipped", `missing permission ${m.permission}`, m.permission);
        if (err instanceof LicenceRequired) return await end("skipped", `licence required: ${err.message}`);
        // Not a missing permission (Conditional Access, for one): a retry would meet the same answer.
        if (err instanceof GraphRefused) return await end("failed", err.message);
        throw err;
      }
      prefetched = undefined;
      if (page.nextLink) {
        const k = linkKey(page.nextLink);
        if (followed.has(k)) throw new StreamAborted(`Graph sent a nextLink it had sent before, on page ${state.seq + 1} of ${m.type}: stopped`);
        followed.add(k);
        const maxPages = deps.maxPages ?? MAX_PAGES_PER_RUN;
        if (state.seq + 1 >= maxPages) throw new StreamAborted(`more than ${maxPages} pages of ${m.type} in one run: stopped`);
      }
      if (page.nextLink && now() - started < input.budgetMs) {
        prefetched = fetchPage(page.nextLink);
        // Handled where it is awaited; this only keeps an early failure from counting as unhandled.
        prefetched.catch(() => undefined);
      }
      state.seq++;
      counters.pages++;
      await sink.apply(ctx, page, state.seq);
      if (page.nextLink) {
        // Every page ends durable: its rows committed, then the link to the next one saved.
        state.nextUrl = page.nextLink;
        await checkpoint();
        if (!prefetched) return progress(state, writes());
        continue;
      }
      await sink.endRound(ctx);
      state.deltaLink = sink.deltaRounds ? (page.deltaLink ?? null) : null;
      state.nextUrl = null;
      state.status = "done";
      state.endedAt = new Date(now()).toISOString();
      await checkpoint();
      return progress(state, writes());
    }
  } catch (err) {
    // Leave the last checkpoint as it is: the retry resumes there.
    await Promise.allSettled(writers.map((w) => w.flush()));
    throw err;
  }
}
