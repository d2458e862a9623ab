import type { SyncedType } from "../src/graph/resource.js";
import { RESOURCES } from "../src/graph/resources/index.js";
import { finishRun, type FinishResult } from "../src/sync/finish-run.js";
import type { GraphPage, PageSource } from "../src/sync/graph-source.js";
import { buildScope } from "../src/sync/scope.js";
import type { SyncStores } from "../src/sync/stores.js";
import { runStream, type StreamProgress } from "../src/sync/stream.js";

/** What one stream was handed by Graph, counted beside the engine (for the count check of the fake store). */
export interface Seen {
  pages: number;
  /**
   * Distinct live objects. A group whose members overflow a page comes again
   * with the next chunk, on a later page that need not be the next one
   * (delta-query-groups.md): groups and roles, a few thousand, keep a set of
   * IDs; other types count a change of ID from the previous object, which
   * keeps no set (it would weigh on the RSS being measured).
   */
  objects: number;
  removed: number;
  links: number;
}

function seeing(graph: PageSource, seen: Seen, container: boolean): PageSource {
  let last: string | undefined;
  const ids = container ? new Set<string>() : undefined;
  return {
    async page(url, select, options) {
      const p: GraphPage = await graph.page(url, select, options);
      seen.pages++;
      for (const o of p.value) {
        if (o["@removed"] !== undefined) {
          seen.removed++;
          continue;
        }
        if (ids ? !ids.has(o.id) : o.id !== last) seen.objects++;
        ids?.add(o.id);
        last = o.id;
        const links = o["members@delta"];
        if (Array.isArray(links)) seen.links += links.length;
      }
      return p;
    },
  };
}

export interface EngineRun {
  readonly streams: Map<SyncedType, StreamProgress>;
  readonly seen: Map<SyncedType, Seen>;
  readonly finish: FinishResult;
  /** Stream calls (more than one per type when a call ran out of budget and continued). */
  readonly calls: number;
}

/**
 * A run as the orchestrator makes it: every RESOURCES stream at once, each
 * called again while it returns a continuation, then the fan-in (finishRun).
 */
export async function runEngine(
  graph: PageSource,
  stores: SyncStores,
  tenantId: string,
  runId: string,
  opts: { fullScan: boolean; budgetMs: number; onStreamsDone?: () => void },
): Promise<EngineRun> {
  const streams = new Map<SyncedType, StreamProgress>();
  const seen = new Map<SyncedType, Seen>();
  const startedAt = new Date().toISOString();
  let calls = 0;
  await Promise.all(
    RESOURCES.map(async (m) => {
      const s: Seen = { pages: 0, objects: 0, removed: 0, links: 0 };
      seen.set(m.type, s);
      const source = seeing(graph, s, m.members !== undefined);
      const { scope, hash } = await buildScope(source, m, undefined);
      for (;;) {
        calls++;
        const p = await runStream({ graph: source, stores }, { tenantId, module: m, runId, fullScan: opts.fullScan, scope, scopeHash: hash, budgetMs: opts.budgetMs });
        if (p.done) {
          streams.set(m.type, p);
          return;
        }
      }
    }),
  );
  opts.onStreamsDone?.();
  const types = RESOURCES.map((r) => r.type);
  const finish = await finishRun(stores, { tenantId, runId, trigger: "manual", startedAt, types, threshold: null, failures: {} });
  return { streams, seen, finish, calls };
}
