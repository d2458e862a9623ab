import { hasMembers, type SyncedType } from "../../../src/domain/synced.js";
import { resourceOf } from "../../../src/graph/resources/index.js";
import { driveSync } from "../../local-host/src/durable/sync-driver.js";
import type { FinishResult } from "../../../src/sync/finish-run.js";
import type { GraphPage, PageSource } from "../../../src/sync/graph-source.js";
import type { SyncStores } from "../../../src/sync/stores.js";
import type { StreamProgress } from "../../../src/sync/stream.js";

/** What one stream was handed by Graph, counted beside the engine (for the count check of the fake store). */
export interface Seen {
  pages: number;
  /**
   * Distinct live objects. A group whose members overflow a page comes again
   * with the next chunk, on a later page that need not be the next one
   * (delta-query-groups.md): groups and roles keep a set of IDs, each kept as
   * 52 bits of the GUID (a number, half the memory of the string: 100k groups
   * at 500k users); other types count a change of ID from the previous object,
   * which keeps no set (it would weigh on the RSS being measured).
   */
  objects: number;
  removed: number;
  links: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]/i;

/** 13 hex digits of a GUID, past its version digit, as an exact number (a collision among 100k random IDs: about 1 in a million); other IDs as they are. */
const compactId = (id: string): number | string => (GUID.test(id) ? parseInt(id.slice(0, 8) + id.slice(9, 13) + id.slice(15, 16), 16) : id);

/** `perParent`: the kind's objects come in $batch answers; its pages list parents or the audit log. */
function seeing(graph: PageSource, seen: Seen, container: boolean, perParent = false): PageSource {
  let last: string | undefined;
  const ids = container ? new Set<number | string>() : undefined;
  return {
    async page(url, select, options) {
      const p: GraphPage = await graph.page(url, select, options);
      seen.pages++;
      if (perParent) return p;
      for (const o of p.value) {
        if (o["@removed"] !== undefined) {
          seen.removed++;
          continue;
        }
        if (ids) {
          const key = compactId(o.id);
          if (!ids.has(key)) seen.objects++;
          ids.add(key);
        } else if (o.id !== last) seen.objects++;
        last = o.id;
        const links = o["members@delta"];
        if (Array.isArray(links)) seen.links += links.length;
      }
      return p;
    },
    // A per-parent kind's $batch: each answer inside it is a page of one parent's collection; the envelope is not.
    ...(graph.post
      ? {
          async post(path: string, body: unknown): Promise<unknown> {
            const r = await graph.post!(path, body);
            const answers = (r as { responses?: Array<{ status?: number; body?: { value?: unknown[] } }> } | undefined)?.responses ?? [];
            for (const a of answers) {
              if (a.status !== 200) continue;
              seen.pages++;
              seen.objects += a.body?.value?.length ?? 0;
            }
            return r;
          },
        }
      : {}),
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
 * A run made by the registered orchestration on the local Durable backend
 * (the one driver, shared with the tests): every RESOURCES stream, each
 * called again while it returns a continuation, then the fan-in.
 */
export async function runEngine(
  graph: PageSource,
  stores: SyncStores,
  tenantId: string,
  runId: string,
  opts: { fullScan: boolean; budgetMs: number; onStreamsDone?: () => void },
): Promise<EngineRun> {
  const seen = new Map<SyncedType, Seen>();
  const sources = new Map<SyncedType, PageSource>();
  const run = await driveSync({
    tenantId,
    runId,
    stores,
    budgetMs: opts.budgetMs,
    fullScan: opts.fullScan,
    // The sign-in list alone takes 100k users ÷ 500 a page at 10 pages a minute (its module's rate): 20 min at 100k, 100 at 500k.
    timeoutMs: 4 * 3_600_000,
    graphFor(type) {
      let source = sources.get(type);
      if (!source) {
        const s: Seen = { pages: 0, objects: 0, removed: 0, links: 0 };
        seen.set(type, s);
        source = seeing(graph, s, hasMembers(type), resourceOf(type).mode === "perParent");
        sources.set(type, source);
      }
      return source;
    },
    ...(opts.onStreamsDone ? { onStreamsDone: opts.onStreamsDone } : {}),
  });
  return { streams: run.streams, seen, finish: run.finish, calls: run.calls };
}
