import type { GraphObject, Json } from "../domain/graph-object.js";
import type { ResourceModule } from "../graph/resource.js";
import { resourceOf } from "../graph/resources/index.js";
import { everything, type ScopeCheck } from "../domain/filters.js";
import { BatchWriter } from "../store/batch-writer.js";
import type { StreamState } from "../store/sync-state.js";
import { contentHash } from "./content-hash.js";
import type { GraphPage, PageSource } from "./graph-source.js";
import { usableId } from "./page-context.js";
import { newState, pacer, realSleep, refusal } from "./side-stream.js";
import { progress } from "./stream-state.js";
import type { SyncStores } from "./stores.js";
import type { StreamProgress } from "./stream.js";

export interface AttributeInput {
  readonly tenantId: string;
  readonly module: ResourceModule;
  readonly runId: string;
  /** A full scan was asked for: the pass runs even when not due. */
  readonly fullScan: boolean;
  /** The users' scope: sign-ins of users the tenant does not sync are not kept. */
  readonly scope: ScopeCheck;
  readonly budgetMs: number;
  /** A pass runs when the last one ended longer ago than this. */
  readonly intervalMs: number;
}

export interface AttributeDeps {
  readonly graph: PageSource;
  readonly stores: SyncStores;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The periodic pass of an attribute type (signInActivity of users): the
 * whole list, page by page, each row kept under the attribute's own type
 * with the user's ID, so the user rows and their content hash stay as the
 * users stream wrote them. Between passes a run only records the pass as
 * not due. Durable per page, like the other streams.
 */
export async function runAttributeStream(deps: AttributeDeps, input: AttributeInput): Promise<StreamProgress> {
  const now = deps.now ?? Date.now;
  const started = now();
  const { stores, graph } = deps;
  const { module: m, tenantId, runId } = input;
  const type = m.type;
  const iso = () => new Date(now()).toISOString();

  const previous = await stores.state.get(tenantId, type);
  let state: StreamState;
  if (previous && previous.runId === runId) {
    state = previous;
    if (state.status !== "running") return progress(state);
  } else {
    state = newState(m, runId, iso(), previous);
    const last = previous?.lastPassAt ? Date.parse(previous.lastPassAt) : undefined;
    if (!input.fullScan && last !== undefined && now() - last < input.intervalMs) {
      // Not due: the stored rows stand, and no change is counted.
      state.status = "done";
      state.endedAt = iso();
      await stores.state.put(tenantId, type, state);
      return progress(state);
    }
    await stores.state.put(tenantId, type, state);
  }

  const objects = stores.objects;
  const writer = new BatchWriter(objects.table);
  const counters = state.counters;
  const scoped = input.scope !== everything;
  // A scoped tenant's filter reads user properties: those come along, and only the sign-in is kept.
  const select = scoped ? [...m.select, ...resourceOf(m.of ?? "users").select] : m.select;
  const firstUrl = m.pageSize ? `${m.path}?$top=${m.pageSize}` : m.path;
  const pace = pacer(m.rate, state.seq === 0, now, deps.sleep ?? realSleep);

  const apply = async (page: GraphPage): Promise<void> => {
    const rows = page.value.filter((o) => usableId(o.id));
    counters.skipped = (counters.skipped ?? 0) + page.value.length - rows.length;
    const kept: GraphObject[] = [];
    for (const o of rows) {
      if (scoped && !input.scope.inScope(o)) counters.filtered++;
      else kept.push(o);
    }
    const stored = await objects.metaOf(type, kept.map((o) => o.id));
    for (const o of kept) {
      counters.objects++;
      const data: Record<string, Json> = { id: o.id, signInActivity: o.signInActivity ?? null };
      const hash = contentHash(data);
      const before = stored.get(o.id);
      if (before?.hash === hash) {
        // Unchanged: only the pass marker moves, so the sweep at the end keeps it.
        await writer.upsert({ partitionKey: objects.partitionOf(type, o.id), rowKey: objects.rowKeyOf(o.id), scan: runId }, "Merge");
        continue;
      }
      if (before) counters.updated++;
      else counters.added++;
      await writer.upsert(objects.entity(type, o.id, { name: o.id, hash, run: runId, seq: state.seq, op: before ? "u" : "a", call: runId, scan: runId, data }));
    }
  };

  const end = async (): Promise<StreamProgress> => {
    await writer.flush();
    await stores.state.put(tenantId, type, state);
    return progress(state, writer.stats);
  };

  try {
    for (;;) {
      let page: GraphPage;
      try {
        await pace();
        page = await graph.page(state.nextUrl ?? firstUrl, state.nextUrl ? undefined : select);
      } catch (err) {
        const r = refusal(m, err);
        if (!r) throw err;
        Object.assign(state, r, { endedAt: iso() });
        return await end();
      }
      state.seq++;
      counters.pages++;
      await apply(page);
      if (page.nextLink) {
        state.nextUrl = page.nextLink;
        await writer.flush();
        await stores.state.put(tenantId, type, state);
        if (now() - started >= input.budgetMs) return progress(state, writer.stats);
        continue;
      }
      await writer.flush();
      // Users gone since the last pass (deleted, or out of scope now): their sign-ins go with them.
      for await (const u of objects.unseen(type, runId)) {
        await writer.delete(objects.partitionOf(type, u.id), objects.rowKeyOf(u.id));
        counters.deleted++;
      }
      await writer.flush();
      state.total = await objects.count(type);
      state.nextUrl = null;
      state.status = "done";
      state.endedAt = iso();
      state.lastPassAt = state.endedAt;
      return await end();
    }
  } catch (err) {
    await writer.flush().catch(() => undefined);
    throw err;
  }
}
