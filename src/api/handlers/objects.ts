import { z } from "zod";
import type { Json } from "../../domain/graph-object.js";
import { isSyncedType, type SyncedType } from "../../domain/synced.js";
import { RESOURCES } from "../../graph/resources/index.js";
import { EXPANDS, expandApplies, expandValue, type Expand } from "../../query/membership/expand.js";
import { memberOf, memberOfKey } from "../../query/membership/member-of.js";
import { nestedGroups, transitiveMembersPage } from "../../query/membership/transitive-members.js";
import type { MemberStore } from "../../store/member-store.js";
import type { ObjectStore } from "../../store/object-store.js";
import { RequestError } from "../errors.js";
import { afterCursor, decodeToken, encodeToken, pageSizeQuery } from "../paging.js";
import { route } from "../route.js";
import { loadTenant, notFound } from "../tenant-param.js";

/** `true`/`false` in a query string. */
export const flagQuery = z.enum(["true", "false"]).default("false").transform((v) => v === "true");

const objectQuery = z.object({ expand: z.string().max(512).optional() }).strict();
const memberOfQuery = z.object({ transitive: flagQuery, pageSize: pageSizeQuery(1000, 100), continuationToken: z.string().max(2048).optional() }).strict();

/** Types stored one row per object: not the audit feed (its own table) nor attributes laid onto users. */
function objectType(type: string): SyncedType {
  const m = RESOURCES.find((r) => r.type === type);
  if (!isSyncedType(type) || !m || m.mode === "feed" || m.mode === "attribute") throw notFound(`Object type '${type}'`);
  return type;
}

const objectNotFound = (type: string, id: string) => new RequestError(404, "ObjectNotFound", `No live ${type} object '${id}' is stored for this tenant (a soft-deleted one is not live).`);

/** The stored object with the attributes kept beside it (a user's signInActivity). */
async function loadObject(store: ObjectStore, type: SyncedType, id: string): Promise<Record<string, Json>> {
  const row = await store.get(type, id);
  if (!row) throw objectNotFound(type, id);
  const out: Record<string, Json> = { ...row.data, id: row.id };
  for (const m of RESOURCES.filter((r) => r.mode === "attribute" && r.of === type)) {
    const data = (await store.metaOf(m.type, [id], true)).get(store.rowKeyOf(id))?.data;
    for (const p of m.select) if (data?.[p] !== undefined) out[p] = data[p];
  }
  return out;
}

function parseExpands(type: SyncedType, raw: string | undefined): Expand[] {
  if (raw === undefined) return [];
  const names = [...new Set(raw.split(",").map((s) => s.trim()).filter((s) => s !== ""))];
  for (const n of names) {
    if (!(EXPANDS as readonly string[]).includes(n)) throw new RequestError(400, "InvalidExpand", `expand: '${n}' is not one of ${EXPANDS.join(", ")}.`, [{ path: "query.expand", message: n }]);
    if (!expandApplies(type, n as Expand)) throw new RequestError(400, "InvalidExpand", `expand: '${n}' does not apply to ${type}.`, [{ path: "query.expand", message: n }]);
  }
  return names as Expand[];
}

export const objectRoutes = [
  route({
    name: "getObject",
    method: "GET",
    path: "tenants/{id}/objects/{type}/{objectId}",
    access: "reader",
    summary: "One synced object by ID; expand=memberOf,owners,manager,directReports,appRoleAssignments,roleAssignments where they apply",
    query: objectQuery,
    responses: { 200: "The object", 400: "An expand that is unknown or does not apply to the type", 404: "No such tenant, type or object (ObjectNotFound)" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      const type = objectType(params.type ?? "");
      const expands = parseExpands(type, query.expand);
      const id = (params.objectId ?? "").toLowerCase();
      const objects = deps.services.objects(t.id);
      const body = await loadObject(objects, type, id);
      const members = deps.services.members(t.id);
      for (const e of expands) body[e] = await expandValue(objects, members, type, id, e);
      return { status: 200, jsonBody: body };
    },
  }),
  route({
    name: "objectMemberOf",
    method: "GET",
    path: "tenants/{id}/objects/{type}/{objectId}/memberOf",
    access: "reader",
    summary: "Groups, directory roles and administrative units an object is a member of; transitive=true adds those reached through nested groups",
    query: memberOfQuery,
    responses: { 200: "A page of containers, each direct or inherited through a named group", 404: "No such tenant, type or object (ObjectNotFound)" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      const type = objectType(params.type ?? "");
      const id = (params.objectId ?? "").toLowerCase();
      if (!(await deps.services.objects(t.id).get(type, id))) throw objectNotFound(type, id);
      const cursor = decodeToken(query.continuationToken, afterCursor);
      const { items, truncated } = await memberOf(deps.services.members(t.id), id, query.transitive);
      const rest = cursor ? items.filter((i) => memberOfKey(i) > cursor.after) : items;
      const page = rest.slice(0, query.pageSize);
      const last = page.at(-1);
      const more = rest.length > page.length && last !== undefined;
      return { status: 200, jsonBody: { items: page, ...(truncated ? { truncated: true } : {}), ...(more ? { continuationToken: encodeToken({ after: memberOfKey(last) }) } : {}) } };
    },
  }),
];

const membersCursor = z.object({ g: z.string(), after: z.string() });

/** GET …/groups/{groupId}/members?transitive=true: every member through nested groups, paged. */
export async function transitiveMembersAnswer(members: MemberStore, groupId: string, pageSize: number, token: string | undefined) {
  const cursor = decodeToken(token, membersCursor);
  const { groups, truncated } = await nestedGroups(members, groupId);
  const page = await transitiveMembersPage(members, groups, pageSize, cursor);
  // The nested group the token resumes in left the nesting since (a sync ran between pages).
  if (page === "stale") throw new RequestError(400, "ValidationError", "query.continuationToken: the nesting changed since this token was issued; start again without it", [{ path: "query.continuationToken", message: "stale" }]);
  return { items: page.items, ...(truncated ? { truncated: true } : {}), ...(page.next ? { continuationToken: encodeToken(page.next) } : {}) };
}
