import { RequestError } from "../api/errors.js";
import { LINK_SPECS, SYNCED_TYPES } from "../domain/synced.js";
import { FEED_LANES, timeOfKey, timePrefix, type ChangeFeedStore, type FeedRow } from "../store/change-feed-store.js";
import { CALL_BOUND_MS, decodeCursor, encodeCursor, type FeedCursor } from "./cursor.js";
import { feedLinkType } from "./feed-writer.js";

/** Lanes that hold rows of every type: deletions applied by the fan-in or an approval. */
const SHARED_LANES = FEED_LANES.filter((l) => l.startsWith("~"));

/** Each type the feed lists, and the stream lane that writes it (a link type: its parent's). */
export const FEED_TYPES: ReadonlyMap<string, string> = new Map<string, string>([...SYNCED_TYPES.map((t): [string, string] => [t, t]), ...LINK_SPECS.map((l): [string, string] => [feedLinkType(l), l.parent])]);

/** The lanes a types filter reads; none: every lane. */
export function lanesFor(types: readonly string[]): readonly string[] {
  if (types.length === 0) return FEED_LANES;
  const streams = new Set(types.map((t) => FEED_TYPES.get(t) ?? t));
  return FEED_LANES.filter((l) => streams.has(l) || SHARED_LANES.includes(l));
}

/** The canonical form of a types filter, as the cursor records it. */
export const typesKey = (types: readonly string[]): string => [...new Set(types)].sort().join(",");

/**
 * A cursor for "now" (as Graph's `$deltatoken=latest`): per lane, the last
 * key among calls started within CALL_BOUND_MS (older calls have ended, so
 * none of their rows can still come), or that bound if there is none.
 */
export async function nowCursor(feed: ChangeFeedStore, types: readonly string[], now: number): Promise<string> {
  const since = now - CALL_BOUND_MS;
  const lanes = lanesFor(types);
  const keys = await Promise.all(lanes.map(async (l) => (await feed.lastKeySince(l, since)) ?? timePrefix(since)));
  return encodeCursor({ types: typesKey(types), at: Object.fromEntries(lanes.map((l, i) => [l, keys[i] ?? timePrefix(since)])) });
}

export interface FeedPage {
  readonly items: FeedRow[];
  readonly cursor: string;
}

/**
 * The next page after a cursor: each lane read after its position, the
 * lanes merged by time (each lane kept in key order), at most `pageSize`
 * rows. A position moves only past rows returned, or to the call bound in
 * a lane read to its end (feed/cursor.ts). A position older than the
 * retention may have lost rows to pruning: 410 `resyncRequired`, as Graph
 * answers an expired delta token (concepts/delta-query-overview.md).
 */
export async function readFeed(feed: ChangeFeedStore, token: string, types: readonly string[], pageSize: number, now: number, retentionMs: number): Promise<FeedPage> {
  const lanes = lanesFor(types);
  const cursor: FeedCursor = decodeCursor(token, typesKey(types), lanes);
  const oldest = Math.min(...lanes.map((l) => timeOfKey(cursor.at[l] ?? "")));
  if (oldest < now - retentionMs) {
    throw new RequestError(410, "resyncRequired", `the cursor is older than the change feed's retention (${Math.round(retentionMs / 86_400_000)} days): read the copy again, then take a new cursor`);
  }
  const rowTypes = types.length > 0 ? types : undefined;
  // One more than a page per lane tells a lane read to its end from one cut short.
  const read = await Promise.all(lanes.map((l) => feed.after(l, cursor.at[l] ?? "", pageSize + 1, rowTypes)));
  const heads = read.map(() => 0);
  const items: FeedRow[] = [];
  while (items.length < pageSize) {
    let best = -1;
    for (let i = 0; i < lanes.length; i++) {
      const r = read[i]?.[heads[i] ?? 0];
      if (!r) continue;
      const b = best < 0 ? undefined : read[best]?.[heads[best] ?? 0];
      if (!b || r.at < b.at) best = i;
    }
    if (best < 0) break;
    const row = read[best]?.[heads[best] ?? 0];
    if (!row) break;
    items.push(row);
    heads[best] = (heads[best] ?? 0) + 1;
  }
  const bound = timePrefix(now - CALL_BOUND_MS);
  const at: Record<string, string> = {};
  lanes.forEach((l, i) => {
    const rows = read[i] ?? [];
    const taken = heads[i] ?? 0;
    const pos = taken > 0 ? (rows[taken - 1]?.key ?? "") : (cursor.at[l] ?? "");
    const toEnd = taken === rows.length && rows.length <= pageSize;
    at[l] = toEnd && bound > pos ? bound : pos;
  });
  return { items, cursor: encodeCursor({ types: cursor.types, at }) };
}

/** Drops rows past the retention: a key range per lane, run by the fan-in. */
export function pruneFeed(feed: ChangeFeedStore, now: number, retentionMs: number): Promise<number> {
  return feed.prune(now - retentionMs);
}
