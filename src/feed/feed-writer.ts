import { randomBytes } from "node:crypto";
import type { Json } from "../domain/graph-object.js";
import type { LinkSpec } from "../domain/synced.js";
import type { BatchWriter } from "../store/batch-writer.js";
import { feedKey, type Change, type ChangeFeedStore } from "../store/change-feed-store.js";

/** What a link change is listed as: its browsable link type, or `<parent>Members` for one that has none (directory role members). */
export const feedLinkType = (spec: LinkSpec): string => spec.link?.type ?? `${spec.parent}Members`;

/**
 * The feed rows of one call of one lane (a stream call, a fan-in, an
 * approval), one entity per change. Keys grow with every change and lead
 * with the call's start, so a later call's rows sort after this one's: see
 * feed/cursor.ts for why a reader can then never skip a row committed late.
 * The rows go through `writer`, flushed with the call's other writers.
 */
export class FeedWriter {
  readonly writer: BatchWriter;
  private readonly start: number;
  /** Two calls of a lane started in the same millisecond still write distinct rows. */
  private readonly tag = randomBytes(3).toString("hex");
  private n = 0;

  /** The clock is the real one: a key's time is what the reader's call bound is measured against. */
  constructor(
    private readonly store: ChangeFeedStore,
    private readonly lane: string,
    private readonly now: () => number = Date.now,
    writer?: BatchWriter,
  ) {
    this.start = now();
    this.writer = writer ?? store.writer();
  }

  object(type: string, id: string, change: Change, runId: string, object?: Record<string, Json>): Promise<void> {
    return this.add({ type, id, change, runId, ...(object && change !== "deleted" ? { object } : {}) });
  }

  link(spec: LinkSpec, parentId: string, memberId: string, memberType: string | undefined, change: Change, runId: string): Promise<void> {
    return this.add({ type: feedLinkType(spec), id: `${parentId}|${memberId}`, change, runId, parentId, memberId, ...(memberType ? { memberType } : {}) });
  }

  private add(e: { type: string; id: string; change: Change; runId: string; object?: Record<string, Json>; parentId?: string; memberId?: string; memberType?: string }): Promise<void> {
    const key = feedKey(this.start, this.tag, this.n++);
    return this.writer.upsert(this.store.entity(this.lane, key, { ...e, at: new Date(this.now()).toISOString() }));
  }
}
