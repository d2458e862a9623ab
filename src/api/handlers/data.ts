import { odata } from "@azure/data-tables";
import { z } from "zod";
import type { Json } from "../../domain/graph-object.js";
import { linkStoresOf } from "../../domain/synced.js";
import { OBJECT_TYPE_NAMES, RESOURCES } from "../../graph/resources/index.js";
import { MEMBER_BUCKETS, OBJECT_BUCKETS } from "../../store/keys.js";
import { approveHeld, rejectHeld } from "../../sync/finish-run.js";
import type { ObjectStore } from "../../store/object-store.js";
import { syncStores } from "../../sync/stores.js";
import { isGuid } from "../../tenants/resolve-tenant.js";
import { RequestError } from "../errors.js";
import { decodeToken, encodeToken, pageSizeQuery } from "../paging.js";
import { route, type ApiDeps } from "../route.js";
import { loadTenant, notFound } from "../tenant-param.js";
import { auditsPage } from "./audits.js";
import { filterFor } from "../../query/filter.js";
import { filterPage } from "../../query/filter-page.js";
import { flagQuery, transitiveMembersAnswer } from "./objects.js";

const browseQuery = z
  .object({
    pageSize: pageSizeQuery(1000, 100),
    search: z.string().min(1).max(256).optional(),
    // The OData subset of src/query/parser.ts, on the type's queryable properties (README, "Filters").
    filter: z.string().min(1).max(1024).describe("eq, ne, startswith, in, any, and, or on the type's queryable properties (README, Filters)").optional(),
    continuationToken: z.string().max(2048).optional(),
  })
  .strict();

const cursorSchema = z.object({ b: z.number().int().min(0), after: z.string() });

/** Walks buckets in order, resuming after the last row key of the previous page. */
async function page<T extends { key: string }>(pageSize: number, cursor: z.infer<typeof cursorSchema> | undefined, buckets: number, rowsOf: (b: number, after: string) => AsyncIterable<T>) {
  const items: T[] = [];
  let next: z.infer<typeof cursorSchema> | undefined;
  // The bucket of the last item: a page that fills at a bucket's end resumes there, not after its key in the next bucket.
  let lastBucket = cursor?.b ?? 0;
  outer: for (let b = cursor?.b ?? 0; b < buckets; b++) {
    for await (const row of rowsOf(b, b === cursor?.b ? cursor.after : "")) {
      if (items.length === pageSize) {
        next = { b: lastBucket, after: items[items.length - 1]!.key };
        break outer;
      }
      items.push(row);
      lastBucket = b;
    }
  }
  return { items, next };
}

/**
 * Lays each attribute type kept beside users (signInActivity) onto the page's
 * users. Its rows share the users' buckets and row keys, so a page that walks
 * a bucket in key order reads them with one range query per bucket; a search
 * page (sparse in its range) reads them by key, 14 to a query.
 * Kept apart, a sign-in changes neither the user row nor its content hash.
 */
async function withAttributes(store: ObjectStore, items: Array<Record<string, Json> & { key: string }>, dense: boolean): Promise<void> {
  for (const m of RESOURCES.filter((r) => r.mode === "attribute" && r.of === "users")) {
    const keys = items.map((i) => i.key);
    const found = dense ? await store.dataInRange(m.type, keys) : new Map([...(await store.metaOf(m.type, keys, true))].map(([k, v]) => [k, v.data ?? {}]));
    for (const item of items) {
      const data = found.get(store.rowKeyOf(item.key));
      for (const p of m.select) if (data?.[p] !== undefined) item[p] = data[p];
    }
  }
}

/** Approve or reject: either way the tenant is no longer waiting for an admin. */
async function resolveHeld(deps: ApiDeps, id: string | undefined, resolve: typeof approveHeld): Promise<number> {
  const { value: t } = await loadTenant(deps, id);
  if (!t.deletionsPending) throw new RequestError(409, "NothingHeld", "No deletions are held for this tenant.");
  const n = await resolve(syncStores(deps.services.tables, t.id), t.id);
  await deps.services.tenants.update(t.id, (x) => ({ ...x, deletionsPending: false, status: x.status === "held" ? "succeeded" : x.status }));
  return n;
}

export const dataRoutes = [
  route({
    name: "browseObjects",
    method: "GET",
    path: "tenants/{id}/objects/{type}",
    access: "reader",
    summary: "Browse synced objects under their Graph property names; search by name prefix; filter on queryable properties",
    query: browseQuery,
    responses: { 200: "A page of objects", 400: "A malformed filter, or a property that is not queryable", 404: "No such tenant or type" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      const type = params.type ?? "";
      if (!OBJECT_TYPE_NAMES.includes(type)) throw notFound(`Object type '${type}'`);
      if (query.filter !== undefined) {
        const { m, expr } = filterFor(type, query.filter);
        const store = deps.services.objects(t.id);
        const found = await filterPage(store, m, expr, { pageSize: query.pageSize, continuationToken: query.continuationToken, namePrefix: query.search?.toLowerCase() });
        const items = found.items.map((row) => ({ ...row.data, key: row.id }));
        if (type === "users") await withAttributes(store, items, false);
        return { status: 200, jsonBody: { items: items.map(({ key: _k, ...rest }) => rest), ...(found.continuationToken ? { continuationToken: found.continuationToken } : {}) } };
      }
      // The feed lives in its own table, newest first: the same pages as /audits, unfiltered.
      if (RESOURCES.some((r) => r.type === type && r.mode === "feed")) return { status: 200, jsonBody: await auditsPage(deps, t.id, query) };
      const cursor = decodeToken(query.continuationToken, cursorSchema);
      const specs = linkStoresOf(type);
      if (specs.length > 0) {
        // A link type reads through its parents' links: groupId/memberId, administrativeUnitId/memberId, parentId/ownerId, userId/managerId.
        // One name may span stores (owners of groups, applications, service principals): the cursor's bucket counts on across them.
        const members = deps.services.members(t.id);
        const { items, next } = await page(query.pageSize, cursor, specs.length * MEMBER_BUCKETS, async function* (b, after) {
          const spec = specs[Math.floor(b / MEMBER_BUCKETS)];
          const link = spec?.link;
          if (!spec || !link) return;
          for await (const l of members.listBucket(spec.store, b % MEMBER_BUCKETS, after)) yield { [link.parentKey]: l.containerId, [link.memberKey]: l.memberId, type: l.memberType, key: l.rowKey };
        });
        return { status: 200, jsonBody: { items: items.map(({ key: _k, ...rest }) => rest), ...(next ? { continuationToken: encodeToken(next) } : {}) } };
      }
      const store = deps.services.objects(t.id);
      const prefix = query.search?.toLowerCase();
      const nameFilter = prefix ? odata`name ge ${prefix} and name lt ${`${prefix}\uffff`}` : undefined;
      const { items, next } = await page(query.pageSize, cursor, OBJECT_BUCKETS, async function* (b, after) {
        for await (const row of store.listBucket(type, b, after, nameFilter)) yield { ...row.data, key: row.id };
      });
      if (type === "users") await withAttributes(store, items, prefix === undefined);
      return { status: 200, jsonBody: { items: items.map(({ key: _k, ...rest }) => rest), ...(next ? { continuationToken: encodeToken(next) } : {}) } };
    },
  }),
  route({
    name: "groupMembers",
    method: "GET",
    path: "tenants/{id}/groups/{groupId}/members",
    access: "reader",
    summary: "Members of a synced group",
    query: browseQuery.omit({ search: true }).extend({ transitive: flagQuery }),
    responses: { 200: "A page of members; with transitive=true every member through nested groups, each direct or via a named group", 404: "No such tenant or group" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      const groupId = (params.groupId ?? "").toLowerCase();
      if (!isGuid(groupId) || !(await deps.services.objects(t.id).get("groups", groupId))) throw notFound(`Group '${params.groupId ?? ""}'`);
      const members = deps.services.members(t.id);
      if (query.transitive) return { status: 200, jsonBody: await transitiveMembersAnswer(members, groupId, query.pageSize, query.continuationToken) };
      const cursor = decodeToken(query.continuationToken, cursorSchema);
      const { items, next } = await page(query.pageSize, cursor, 1, async function* (_b, after) {
        for await (const m of members.members("groups", groupId)) if (m.memberId > after) yield { id: m.memberId, type: m.memberType, key: m.memberId };
      });
      return { status: 200, jsonBody: { items: items.map(({ key: _k, ...rest }) => rest), ...(next ? { continuationToken: encodeToken(next) } : {}) } };
    },
  }),
  route({
    name: "approveDeletions",
    method: "POST",
    path: "tenants/{id}/deletions/approve",
    access: "admin",
    summary: "Apply the deletions held by the accidental-deletion threshold",
    responses: { 200: "Applied", 404: "No such tenant", 409: "Nothing is held" },
    handler: async ({ deps, params }) => ({ status: 200, jsonBody: { applied: await resolveHeld(deps, params.id, approveHeld) } }),
  }),
  route({
    name: "rejectDeletions",
    method: "POST",
    path: "tenants/{id}/deletions/reject",
    access: "admin",
    summary: "Discard the held deletions; the objects stay",
    responses: { 200: "Discarded", 404: "No such tenant", 409: "Nothing is held" },
    handler: async ({ deps, params }) => ({ status: 200, jsonBody: { discarded: await resolveHeld(deps, params.id, rejectHeld) } }),
  }),
];
