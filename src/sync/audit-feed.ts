import type { ResourceModule } from "../graph/resource.js";
import { BatchWriter } from "../store/batch-writer.js";
import { auditOf, DirectoryAuditStore, type DirectoryAudit } from "../store/directory-audit-store.js";
import type { StreamState, SyncStateStore } from "../store/sync-state.js";
import type { GraphPage, PageSource } from "./graph-source.js";
import { usableId } from "./page-context.js";
import { newState, pacer, realSleep, refusal } from "./side-stream.js";
import { progress } from "./stream-state.js";
import type { StreamProgress } from "./stream.js";

export interface FeedInput {
  readonly tenantId: string;
  readonly module: ResourceModule;
  readonly runId: string;
  readonly budgetMs: number;
  /** Entries are read again this far behind the newest stored, for those Graph logs late. */
  readonly overlapMs: number;
  /** Entries older than this are pruned, and never read. */
  readonly retentionMs: number;
}

export interface FeedDeps {
  readonly graph: PageSource;
  readonly audits: DirectoryAuditStore;
  readonly state: SyncStateStore;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const later = (a: string | null | undefined, b: string): string => (a && Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * One run's read of an append-only feed (the directory audit log): every
 * entry at or after the cursor (`$filter=activityDateTime ge`), where the
 * cursor is the newest entry stored minus the overlap, or the retention's
 * start. An entry read again lands on its own row (keyed by time and ID)
 * and is counted once. Durable per page; the retention is pruned at the end.
 */
export async function runFeedStream(deps: FeedDeps, input: FeedInput): Promise<StreamProgress> {
  const now = deps.now ?? Date.now;
  const started = now();
  const { graph, audits } = deps;
  const { module: m, tenantId, runId } = input;
  const key = m.type;
  const iso = (ms: number) => new Date(ms).toISOString();

  const previous = await deps.state.get(tenantId, key);
  let state: StreamState;
  if (previous && previous.runId === runId) {
    state = previous;
    if (state.status !== "running") return progress(state);
  } else {
    state = newState(m, runId, iso(now()), previous);
    const floor = now() - input.retentionMs;
    const newest = previous?.newest ? Date.parse(previous.newest) - input.overlapMs : floor;
    const since = iso(Math.max(floor, newest));
    // Graph lists the log newest first; the nextLinks carry the filter on.
    state.nextUrl = `${m.path}?$filter=${encodeURIComponent(`activityDateTime ge ${since}`)}${m.pageSize ? `&$top=${m.pageSize}` : ""}`;
    await deps.state.put(tenantId, key, state);
  }
  const writer = new BatchWriter(audits.table);
  const counters = state.counters;
  const pace = pacer(m.rate, state.seq === 0, now, deps.sleep ?? realSleep);

  const apply = async (page: GraphPage): Promise<void> => {
    const entries: DirectoryAudit[] = [];
    for (const o of page.value) {
      const a = usableId(o.id) ? auditOf(o) : undefined;
      if (a) entries.push(a);
      else counters.skipped = (counters.skipped ?? 0) + 1;
    }
    if (entries.length === 0) return;
    const times = entries.map((a) => Date.parse(a.activityDateTime));
    const oldest = iso(Math.min(...times));
    const newest = iso(Math.max(...times));
    // Entries of the overlap (or of a page read again after a lost call) are stored already: one range query tells which.
    const existing = await audits.keysBetween(tenantId, newest, oldest);
    for (const a of entries) {
      counters.objects++;
      const k = DirectoryAuditStore.rowKeyOf(a);
      if (existing.has(k)) continue;
      existing.add(k);
      counters.added++;
      await writer.upsert(audits.entity(tenantId, a));
    }
    state.reading = later(state.reading, newest);
  };

  try {
    for (;;) {
      let page: GraphPage;
      try {
        await pace();
        page = await graph.page(state.nextUrl ?? m.path);
      } catch (err) {
        const r = refusal(m, err);
        if (!r) throw err;
        Object.assign(state, r, { endedAt: iso(now()) });
        await writer.flush();
        await deps.state.put(tenantId, key, state);
        return progress(state, writer.stats);
      }
      state.seq++;
      counters.pages++;
      await apply(page);
      // Rows first, then the link that resumes after them.
      await writer.flush();
      if (page.nextLink) {
        state.nextUrl = page.nextLink;
        await deps.state.put(tenantId, key, state);
        if (now() - started >= input.budgetMs) return progress(state, writer.stats);
        continue;
      }
      const pruned = await audits.prune(tenantId, iso(now() - input.retentionMs));
      counters.deleted += pruned;
      state.total = Math.max(0, state.total + counters.added - pruned);
      if (state.reading) state.newest = later(state.newest, state.reading);
      state.reading = null;
      state.nextUrl = null;
      state.status = "done";
      state.endedAt = iso(now());
      await deps.state.put(tenantId, key, state);
      return progress(state, writer.stats);
    }
  } catch (err) {
    await writer.flush().catch(() => undefined);
    throw err;
  }
}
