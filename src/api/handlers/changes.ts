import { z } from "zod";
import { FEED_TYPES, nowCursor, readFeed } from "../../feed/read-feed.js";
import { ChangeFeedStore, type FeedRow } from "../../store/change-feed-store.js";
import { pageSizeQuery } from "../paging.js";
import { route } from "../route.js";
import { loadTenant } from "../tenant-param.js";

const typeList = z
  .string()
  .max(1024)
  .transform((v) => v.split(",").map((t) => t.trim()).filter((t) => t !== ""))
  .pipe(z.array(z.string().refine((t) => FEED_TYPES.has(t), { message: `a type the feed lists: ${[...FEED_TYPES.keys()].join(", ")}` })));

export const changesQuery = z
  .object({
    types: typeList.optional(),
    cursor: z.string().min(1).max(4096).optional(),
    pageSize: pageSizeQuery(1000, 100),
  })
  .strict();

/** A stored row as the API lists it: links name their parent and member, and carry no object. */
function item(r: FeedRow) {
  return {
    type: r.type,
    id: r.id,
    change: r.change,
    ...(r.object ? { object: r.object } : {}),
    ...(r.parentId !== undefined ? { parentId: r.parentId, memberId: r.memberId, ...(r.memberType ? { memberType: r.memberType } : {}) } : {}),
    at: r.at,
    runId: r.runId,
  };
}

export const changeRoutes = [
  route({
    name: "changes",
    method: "GET",
    path: "tenants/{id}/changes",
    access: "reader",
    summary:
      "Every change the syncs applied, links included, in the order applied: without a cursor, a cursor for now (no items); with one, the next page and the cursor to resume from. types: comma-separated; pageSize up to 1000 (default 100). A cursor past the retention answers 410 resyncRequired.",
    query: changesQuery,
    responses: { 200: "A page of changes and the next cursor", 400: "Bad query or cursor", 404: "No such tenant", 410: "The cursor is past the retention (resyncRequired)" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      // Taken before any read: the cursor's bounds hold for rows visible at this instant.
      const now = Date.now();
      const feed = new ChangeFeedStore(deps.services.tables.client("ChangeFeed"), t.id);
      const types = query.types ?? [];
      if (query.cursor === undefined) return { status: 200, jsonBody: { items: [], cursor: await nowCursor(feed, types, now) } };
      const page = await readFeed(feed, query.cursor, types, query.pageSize, now, deps.services.config.changeFeed.retentionMs);
      return { status: 200, jsonBody: { items: page.items.map(item), cursor: page.cursor } };
    },
  }),
];
