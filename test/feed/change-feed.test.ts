import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CALL_BOUND_MS, encodeCursor } from "../../src/feed/cursor.js";
import { FeedWriter } from "../../src/feed/feed-writer.js";
import { lanesFor, nowCursor, pruneFeed, readFeed } from "../../src/feed/read-feed.js";
import { ChangeFeedStore, FEED_LANES, timePrefix } from "../../src/store/change-feed-store.js";
import { RequestError } from "../../src/api/errors.js";
import { PROJECT_ROOT } from "../support/processes.js";
import { freshTable } from "../support/tables.js";

const DAY = 86_400_000;
const WEEK = 7 * DAY;

async function all(feed: ChangeFeedStore, cursor: string, size: number, now = Date.now()): Promise<{ ids: string[]; cursor: string }> {
  const ids: string[] = [];
  for (;;) {
    const p = await readFeed(feed, cursor, [], size, now, WEEK);
    cursor = p.cursor;
    if (p.items.length === 0) return { ids, cursor };
    ids.push(...p.items.map((i) => i.id));
  }
}

describe("change feed store and cursor (Azurite)", () => {
  it("never skips a row that a slower lane commits after a faster lane's later rows were read", async () => {
    // Regression: one time-ordered key across writers let a cursor pass a row committed late with a smaller key.
    const feed = new ChangeFeedStore(await freshTable(), "t1");
    const start = await nowCursor(feed, [], Date.now());
    const users = new FeedWriter(feed, "users");
    await users.object("users", "u1", "added", "r1");
    await users.writer.flush();
    const groups = new FeedWriter(feed, "groups");
    await groups.object("groups", "g1", "added", "r1");
    await groups.object("groups", "g2", "added", "r1");
    await groups.writer.flush();
    const first = await all(feed, start, 2);
    expect(first.ids.sort()).toEqual(["g1", "g2", "u1"]);
    // The users call, started first, commits another row only now.
    await users.object("users", "u2", "updated", "r1");
    await users.writer.flush();
    const late = await all(feed, first.cursor, 2);
    expect(late.ids).toEqual(["u2"]);
    expect((await all(feed, late.cursor, 2)).ids).toEqual([]);
  });

  it("pages in write order per lane with no loss or repeat, whatever the page size", async () => {
    const feed = new ChangeFeedStore(await freshTable(), "t2");
    const start = await nowCursor(feed, [], Date.now());
    const w = new FeedWriter(feed, "users");
    const links = new FeedWriter(feed, "~fanin");
    for (let i = 0; i < 23; i++) await w.object("users", `u${String(i).padStart(2, "0")}`, i % 2 ? "updated" : "added", "r", { id: `u${i}` });
    for (let i = 0; i < 5; i++) await links.object("users", `d${i}`, "deleted", "r");
    await Promise.all([w.writer.flush(), links.writer.flush()]);
    for (const size of [1, 4, 100]) {
      const got = await all(feed, start, size);
      expect(got.ids.filter((i) => i.startsWith("u"))).toEqual(Array.from({ length: 23 }, (_, i) => `u${String(i).padStart(2, "0")}`));
      expect(got.ids.filter((i) => i.startsWith("d"))).toEqual(["d0", "d1", "d2", "d3", "d4"]);
      expect(got.ids).toHaveLength(28);
    }
    // "now" is after everything written, over calls of any length: nothing comes back, and the next row does.
    expect((await all(feed, await nowCursor(feed, [], Date.now()), 10)).ids).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    const again = new FeedWriter(feed, "users");
    for (let i = 0; i < 137; i++) await again.object("users", `v${i}`, "updated", "r2");
    await again.writer.flush();
    const now = await nowCursor(feed, [], Date.now());
    expect((await all(feed, now, 50)).ids).toEqual([]);
    await again.object("users", "last", "updated", "r2");
    await again.writer.flush();
    expect((await all(feed, now, 50)).ids).toEqual(["last"]);
  });

  it("answers 410 past the retention, keeps an idle lane's position fresh, and prunes only expired rows", async () => {
    const feed = new ChangeFeedStore(await freshTable(), "t3");
    const t0 = Date.now();
    const cursor = await nowCursor(feed, [], t0);
    const w = new FeedWriter(feed, "groups");
    await w.object("groups", "g1", "added", "r");
    await w.writer.flush();
    // Read a day later: the row comes, and every position moves to within the call bound of then.
    const later = await readFeed(feed, cursor, [], 10, t0 + DAY, WEEK);
    expect(later.items.map((i) => i.id)).toEqual(["g1"]);
    // Eight days after the first cursor: 410; seven days after the later one: still fine.
    await expect(readFeed(feed, cursor, [], 10, t0 + 8 * DAY, WEEK)).rejects.toMatchObject({ status: 410, code: "resyncRequired" });
    await expect(readFeed(feed, later.cursor, [], 10, t0 + DAY + WEEK - CALL_BOUND_MS, WEEK)).resolves.toMatchObject({ items: [] });
    // Prune at eight days: the row goes; at six days it would stay.
    expect(await pruneFeed(feed, t0 + 6 * DAY, WEEK)).toBe(0);
    expect(await pruneFeed(feed, t0 + 8 * DAY, WEEK)).toBe(1);
  });

  it("refuses a cursor it did not issue, or one issued for other types", async () => {
    const feed = new ChangeFeedStore(await freshTable(), "t4");
    const c = await nowCursor(feed, ["users"], Date.now());
    await expect(readFeed(feed, c, ["groups"], 10, Date.now(), WEEK)).rejects.toBeInstanceOf(RequestError);
    await expect(readFeed(feed, "e30", [], 10, Date.now(), WEEK)).rejects.toMatchObject({ status: 400 });
    const missingLane = encodeCursor({ types: "", at: { users: timePrefix(Date.now()) } });
    await expect(readFeed(feed, missingLane, [], 10, Date.now(), WEEK)).rejects.toMatchObject({ status: 400 });
    expect(lanesFor(["memberships"])).toEqual(["groups", ...FEED_LANES.filter((l) => l.startsWith("~"))]);
  });

  it("bounds a call's duration by twice the Functions timeout", () => {
    // The cursor's jump ahead in an idle lane is safe only if no feed-writing call outlives CALL_BOUND_MS.
    const host = JSON.parse(readFileSync(`${PROJECT_ROOT}host.json`, "utf8")) as { functionTimeout: string };
    const [h, m, s] = host.functionTimeout.split(":").map(Number);
    expect(((h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)) * 1000 * 2).toBeLessThanOrEqual(CALL_BOUND_MS);
  });
});
