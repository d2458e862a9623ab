import type { ResourceModule } from "../graph/resource.js";
import type { GraphObject, Json } from "../domain/graph-object.js";
import type { BatchWriter } from "../store/batch-writer.js";
import type { LinkSpec } from "../domain/synced.js";
import type { StreamCounters, StreamState } from "../store/sync-state.js";
import type { ScopeCheck } from "../domain/filters.js";
import type { SyncStores } from "./stores.js";
import type { FeedWriter } from "../feed/feed-writer.js";
import { textOf } from "../domain/text.js";

/** What applying one page needs from the stream that fetched it. */
export interface PageContext {
  readonly m: ResourceModule;
  readonly tenantId: string;
  readonly runId: string;
  readonly stores: SyncStores;
  readonly state: StreamState;
  readonly counters: StreamCounters;
  readonly scope: ScopeCheck;
  /** The navigations this type's objects carry as `<nav>@delta`, stored as links. */
  readonly links: readonly LinkSpec[];
  /** Objects carry members@delta, split over pages: one object may come again with a further chunk. */
  readonly chunked: boolean;
  /** This stream call: tells a lost segment from this call's own earlier pages. */
  readonly call: string;
  /** The page count saved at the call's start. */
  readonly checkpointSeq: number;
  readonly objectWriter: BatchWriter;
  readonly linkWriter: BatchWriter;
  /** The change feed of a live run; none in a preview. */
  readonly feed?: FeedWriter;
  /** The store held this type before the run: its rows must be compared, not assumed new. */
  everSynced(): boolean;
  /** True the first time this call meets the key (groups and roles repeat with further member chunks). */
  firstSight(key: string): boolean;
  now(): number;
}

export const removedReason = (o: GraphObject): string | undefined => {
  const r = o["@removed"];
  return r && typeof r === "object" && !Array.isArray(r) ? textOf(r.reason, "deleted") : undefined;
};

/**
 * Table keys hold up to 1 KiB and a link's RowKey joins two IDs
 * (learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model):
 * an ID that is empty or longer than this fails its whole transaction.
 */
export const MAX_ID_LENGTH = 256;

export const usableId = (id: Json | undefined): id is string => typeof id === "string" && id.length > 0 && id.length <= MAX_ID_LENGTH;

const MAX_NAMED = 5;

/** Skips an object or link with an unusable ID: counted, and a few named for the history warnings. */
export function skipBad(ctx: PageContext, what: string, o: Readonly<Record<string, Json>>): void {
  ctx.counters.skipped = (ctx.counters.skipped ?? 0) + 1;
  const names = (ctx.state.skippedNames ??= []);
  if (names.length >= MAX_NAMED) return;
  const id = typeof o.id === "string" ? o.id : JSON.stringify(o.id ?? null);
  const shown = id === "" ? "(empty id)" : id.length > 40 ? `${id.slice(0, 40)}… (${id.length} characters)` : id;
  const name = typeof o.displayName === "string" ? ` "${o.displayName.slice(0, 80)}"` : "";
  names.push(`${what} ${JSON.stringify(shown)}${name}`);
}
