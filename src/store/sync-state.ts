import { odata, type TableClient } from "@azure/data-tables";
import { getOrUndefined } from "./status-code.js";

export interface StreamCounters {
  pages: number;
  objects: number;
  added: number;
  updated: number;
  deleted: number;
  filtered: number;
  /** Links of the `members` navigation (memberships, role and unit members). */
  memberAdds: number;
  memberRemoves: number;
  /** Links of every other navigation (owners, manager), by link store (absent in states saved before it existed). */
  links?: Record<string, { adds: number; removes: number }>;
  /** Objects or links with an unusable ID, skipped (absent in states saved before it existed). */
  skipped?: number;
  /** Soft-deleted objects restored or purged: the visibility of their links changed. */
  unparked?: number;
}

export const zeroCounters = (): StreamCounters => ({ pages: 0, objects: 0, added: 0, updated: 0, deleted: 0, filtered: 0, memberAdds: 0, memberRemoves: 0 });

/** One stream's durable state: its delta link, and where an unfinished run resumes. */
export interface StreamState {
  readonly type: string;
  /** Run the fields below belong to. */
  runId: string;
  mode: "full" | "delta";
  /** Where to continue; null once the stream finished for this run. */
  nextUrl: string | null;
  /** The last completed stream's deltaLink: where the next run starts. */
  deltaLink: string | null;
  /** Pages committed in this run; rows carry the page they came from. */
  seq: number;
  counters: StreamCounters;
  status: "running" | "done" | "skipped" | "failed";
  error: string | null;
  missingPermission: string | null;
  /** Filters in force for the stored objects; a change forces a full scan. */
  filterHash: string;
  /** The `$select` the deltaLink was made with; a change forces a full scan (absent in states saved before it existed). */
  selectHash?: string;
  /** Live objects after the last applied run. */
  total: number;
  memberTotal: number;
  /** Live links of every other navigation, by link store. */
  linkTotals?: Record<string, number>;
  startedAt: string;
  endedAt: string | null;
  /** Users only: the last warnings read from the whole store, and when. */
  warnings?: readonly string[];
  warningsAt?: string | null;
  /** This run's skipped objects, named (a few) for the history warnings. */
  skippedNames?: string[];
  /** Attribute streams: when the last whole pass ended; the next is due an interval later. */
  lastPassAt?: string | null;
  /** Feed streams: the newest entry time of the last whole pass; the next pass reads from it minus the overlap. */
  newest?: string | null;
  /** Feed streams: the newest entry time this pass has read; `newest` once the pass ends (a pass cut short is read again). */
  reading?: string | null;
}

/** Stream state per tenant and type: PartitionKey tenant, RowKey type (or "preview|type"). */
export class SyncStateStore {
  constructor(private readonly table: TableClient) {}

  async get(tenantId: string, key: string): Promise<StreamState | undefined> {
    const e = await getOrUndefined(() => this.table.getEntity<{ state: string }>(tenantId, key));
    return e ? (JSON.parse(e.state) as StreamState) : undefined;
  }

  async put(tenantId: string, key: string, state: StreamState): Promise<void> {
    await this.table.upsertEntity({ partitionKey: tenantId, rowKey: key, state: JSON.stringify(state) }, "Replace");
  }

  async *all(tenantId: string): AsyncGenerator<StreamState> {
    for await (const e of this.table.listEntities<{ state: string }>({ queryOptions: { filter: odata`PartitionKey eq ${tenantId}` } })) {
      yield JSON.parse(e.state) as StreamState;
    }
  }
}
