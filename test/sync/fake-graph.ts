import { inject } from "vitest";
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { createGraphClient } from "../../src/graph/client.js";
import type { SyncedType } from "../../src/domain/synced.js";
import { resourceOf } from "../../src/graph/resources/index.js";
import { Tables } from "../../src/store/tables.js";
import { everything, scopeHash, type ScopeCheck } from "../../src/domain/filters.js";
import { finishRun, type FinishResult } from "../../src/sync/finish-run.js";
import { graphPageSource, type PageSource } from "../../src/sync/graph-source.js";
import { syncStores, type SyncStores } from "../../src/sync/stores.js";
import { runStream, type StreamDeps, type StreamProgress } from "../../src/sync/stream.js";
import type { DeletionThreshold } from "../../src/domain/threshold.js";
import { uniqueTableName } from "../support/tables.js";

export const GRAPH = "https://graph.example.test";

export interface Call {
  readonly url: URL;
  readonly prefer: string | null;
}

/** Answers one request: a body to send as 200 JSON, or a whole Response. */
export type Route = (url: URL, call: Call) => unknown;

/**
 * A fake HTTP transport at the end of the real Graph client's chain (auth,
 * size limit, retry): the engine and the SDK run as in production.
 */
export function fakeGraph(route: Route): { source: PageSource; calls: Call[] } {
  const calls: Call[] = [];
  const transport: Middleware = {
    async execute(ctx: Context) {
      const headers = new Headers(ctx.options?.headers);
      const url = new URL(String(ctx.request));
      const call = { url, prefer: headers.get("prefer") };
      calls.push(call);
      const answer = route(url, call);
      ctx.response = answer instanceof Response ? answer : new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } });
    },
  };
  const staticToken = { getToken: async () => ({ token: "tok", expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const client = createGraphClient(staticToken, { authorityHost: "https://login.example.test", graphBaseUrl: GRAPH }, { transport, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 1000 } });
  return { source: graphPageSource(client), calls };
}

export const graphError = (status: number, error: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error }), { status, headers: { "content-type": "application/json", ...headers } });

/** A delta page: objects, and either the next page's token or the round's delta token. */
export const deltaPage = (type: string, value: unknown[], next: { skip?: string; delta?: string }) => ({
  value,
  ...(next.skip ? { "@odata.nextLink": `${GRAPH}/v1.0/${type}/delta?$skiptoken=${next.skip}` } : {}),
  ...(next.delta ? { "@odata.deltaLink": `${GRAPH}/v1.0/${type}/delta?$deltatoken=${next.delta}` } : {}),
});

/** The token a request carries: "" for the first page of a full round. */
export const tokenOf = (url: URL): string => url.searchParams.get("$deltatoken") ?? url.searchParams.get("$skiptoken") ?? "";

export async function freshStores(tenantId: string): Promise<SyncStores> {
  const tables = new Tables({ kind: "connectionString", connectionString: inject("tableConnectionString") }, uniqueTableName("e"));
  await tables.ensure();
  return syncStores(tables, tenantId);
}

export interface RoundOptions {
  readonly scope?: ScopeCheck;
  readonly scopeKey?: unknown;
  readonly threshold?: DeletionThreshold | null;
  readonly deps?: Partial<StreamDeps>;
}

/** One run over the given types: every stream to its end, then the fan-in. */
export async function round(stores: SyncStores, graph: PageSource, tenantId: string, runId: string, types: readonly SyncedType[], o: RoundOptions = {}): Promise<{ streams: Map<SyncedType, StreamProgress>; finish: FinishResult }> {
  const streams = new Map<SyncedType, StreamProgress>();
  for (const type of types) {
    for (;;) {
      const p = await runStream({ graph, stores, ...o.deps }, { tenantId, module: resourceOf(type), runId, fullScan: false, scope: o.scope ?? everything, scopeHash: scopeHash(o.scopeKey ?? null), budgetMs: 600_000 });
      if (p.done) {
        streams.set(type, p);
        break;
      }
    }
  }
  const finish = await finishRun(stores, { tenantId, runId, trigger: "schedule", startedAt: new Date().toISOString(), types, threshold: o.threshold ?? null, failures: {} });
  return { streams, finish };
}

export async function stored(stores: SyncStores, type: SyncedType): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for await (const r of stores.objects.list(type)) out.set(r.id, { ...r.data, "#name": r.name });
  return out;
}
