import { odata, type TableClient } from "@azure/data-tables";
import type { Json } from "../domain/graph-object.js";
import { SYNCED_TYPES } from "../domain/synced.js";
import { textOf } from "../domain/text.js";
import { BatchWriter } from "./batch-writer.js";
import { decodeData, encodeData } from "./entity-codec.js";
import { allOf, anyOf } from "./odata-compose.js";

export type Change = "added" | "updated" | "deleted";

/** One applied change as stored: an object (id) or a link (parent and member). */
export interface FeedEntry {
  readonly type: string;
  readonly id: string;
  readonly change: Change;
  readonly at: string;
  readonly runId: string;
  readonly object?: Record<string, Json>;
  readonly parentId?: string;
  readonly memberId?: string;
  readonly memberType?: string;
}

export interface FeedRow extends FeedEntry {
  readonly key: string;
}

/**
 * A lane is one sequential writer: a type's stream (its objects and links),
 * the run's fan-in (applied deletions) or an admin's approval of held ones.
 * One stream call of a type runs at a time, so within a lane rows commit in
 * key order; the reader keeps one position per lane (see feed/cursor.ts).
 */
export const FEED_LANES: readonly string[] = Object.freeze([...SYNCED_TYPES, "~fanin", "~approvals"]);

/** Digits of a key's leading call time (ms since the epoch). */
const TIME_DIGITS = 13;

/** The key prefix of a time: every row of a call started at or after `ms` sorts after it. */
export const timePrefix = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(TIME_DIGITS, "0");

/** The start time of the call that wrote a row (or a position's): its key's leading digits. */
export const timeOfKey = (key: string): number => Number(key.slice(0, TIME_DIGITS)) || 0;

/** A row's key: the call's start time, a tag of the call, the change's number in it; fixed-width, so keys sort in write order. */
export const feedKey = (callStart: number, tag: string, n: number): string => `${timePrefix(callStart)}|${tag}|${counter(n)}`;

const counter = (n: number): string => String(n).padStart(10, "0");

type Raw = Record<string, unknown> & { rowKey?: string };

/**
 * The change feed of one tenant: table ChangeFeed, PartitionKey
 * `tenant|lane`, RowKey feedKey(). The feed rows cannot share a transaction
 * with the object or link rows they describe (a transaction holds one
 * partition of one table: Table service REST API, "Performing entity group
 * transactions"); they go in the same checkpoint, one entity per change.
 */
export class ChangeFeedStore {
  constructor(
    readonly table: TableClient,
    readonly tenantId: string,
  ) {}

  partitionOf(lane: string): string {
    return `${this.tenantId}|${lane}`;
  }

  writer(): BatchWriter {
    return new BatchWriter(this.table);
  }

  entity(lane: string, key: string, e: FeedEntry) {
    return {
      partitionKey: this.partitionOf(lane),
      rowKey: key,
      type: e.type,
      objectId: e.id,
      change: e.change,
      at: e.at,
      runId: e.runId,
      ...(e.parentId !== undefined ? { parentId: e.parentId } : {}),
      ...(e.memberId !== undefined ? { memberId: e.memberId } : {}),
      ...(e.memberType !== undefined ? { memberType: e.memberType } : {}),
      ...(e.object ? encodeData(e.object) : {}),
    };
  }

  /** Rows of a lane after `after`, in key order, at most `limit`; `types` narrows by entry type. */
  async after(lane: string, after: string, limit: number, types?: readonly string[]): Promise<FeedRow[]> {
    const typeClause = types && types.length > 0 ? anyOf(types.map((t) => odata`type eq ${t}`)) : undefined;
    const filter = allOf(odata`PartitionKey eq ${this.partitionOf(lane)}`, odata`RowKey gt ${after}`, typeClause);
    const out: FeedRow[] = [];
    // A page may come back short (or empty) with a continuation (Table service REST API, "Query timeout and pagination"): read on until enough.
    for await (const page of this.table.listEntities<Raw>({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(1000, limit) })) {
      for (const e of page) {
        out.push(rowOf(e));
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /** The first key of a lane at or after `key`: one keys-only query of one row. */
  private async firstFrom(lane: string, key: string): Promise<string | undefined> {
    const filter = odata`PartitionKey eq ${this.partitionOf(lane)} and RowKey ge ${key}`;
    // An empty page with a continuation is possible (Table service REST API, "Query timeout and pagination"): read on until a row.
    for await (const page of this.table.listEntities<Raw>({ queryOptions: { filter, select: ["RowKey"] } }).byPage({ maxPageSize: 1 })) {
      const k = page[0]?.rowKey;
      if (k !== undefined) return k;
    }
    return undefined;
  }

  /**
   * The greatest key of a lane among calls started at or after `since`,
   * without reading their rows (a full sync just done wrote one per object):
   * a hop per call to the last one (a lane's calls are few an hour), then a
   * galloping search on its counter. Some 2 log2(rows) + calls one-row queries.
   */
  async lastKeySince(lane: string, since: number): Promise<string | undefined> {
    let first = await this.firstFrom(lane, timePrefix(since));
    if (first === undefined) return undefined;
    // Keys are `time|tag|counter`; "~" sorts after every digit, so `time|tag|~` is past the whole call.
    let call = first.slice(0, first.lastIndexOf("|") + 1);
    for (;;) {
      const next = await this.firstFrom(lane, `${call}~`);
      if (next === undefined) break;
      first = next;
      call = next.slice(0, next.lastIndexOf("|") + 1);
    }
    const has = async (n: number): Promise<boolean> => (await this.firstFrom(lane, `${call}${counter(n)}`))?.startsWith(call) === true;
    let lo = Number(first.slice(call.length));
    let step = 1;
    while (await has(lo + step)) {
      lo += step;
      step *= 2;
    }
    // Rows lo exists, lo + step does not: bisect between.
    let hi = lo + step;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await has(mid)) lo = mid;
      else hi = mid;
    }
    return `${call}${counter(lo)}`;
  }

  /** Deletes every row of calls started before `before` (a key range per lane). */
  async prune(before: number): Promise<number> {
    let n = 0;
    const w = this.writer();
    for (const lane of FEED_LANES) {
      const filter = odata`PartitionKey eq ${this.partitionOf(lane)} and RowKey lt ${timePrefix(before)}`;
      for await (const e of this.table.listEntities<Raw>({ queryOptions: { filter, select: ["PartitionKey", "RowKey"] } })) {
        await w.delete(this.partitionOf(lane), e.rowKey ?? "");
        n++;
      }
    }
    await w.flush();
    return n;
  }
}

const CHANGES = new Set<string>(["added", "updated", "deleted"]);

function rowOf(e: Raw): FeedRow {
  const change = textOf(e.change);
  const object = typeof e.dataChunks === "number" ? decodeData(e) : undefined;
  return {
    key: e.rowKey ?? "",
    type: textOf(e.type),
    id: textOf(e.objectId),
    change: CHANGES.has(change) ? (change as Change) : "updated",
    at: textOf(e.at),
    runId: textOf(e.runId),
    ...(object ? { object } : {}),
    ...(typeof e.parentId === "string" ? { parentId: e.parentId } : {}),
    ...(typeof e.memberId === "string" ? { memberId: e.memberId } : {}),
    ...(typeof e.memberType === "string" ? { memberType: e.memberType } : {}),
  };
}
