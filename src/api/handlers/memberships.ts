import { z } from "zod";
import { writeMembership } from "../../memberships/write-back.js";
import { isGuid } from "../../tenants/resolve-tenant.js";
import { RequestError } from "../errors.js";
import { afterCursor, decodeToken, pageSizeQuery, takePage } from "../paging.js";
import { route, type ApiRequest } from "../route.js";
import { loadTenant, notFound } from "../tenant-param.js";

async function write(req: ApiRequest<undefined, Record<string, never>>, action: "add" | "remove") {
  const { value: t } = await loadTenant(req.deps, req.params.id);
  const groupId = (req.params.groupId ?? "").toLowerCase();
  const memberId = (req.params.memberId ?? "").toLowerCase();
  if (!isGuid(groupId)) throw notFound(`Group '${req.params.groupId ?? ""}'`);
  if (!isGuid(memberId)) throw new RequestError(400, "ValidationError", "memberId: expected a directory object ID (GUID)", [{ path: "params.memberId", message: "expected a GUID" }]);
  const actor = { id: req.principal?.id ?? "unknown", name: req.principal?.name ?? null };
  const r = await writeMembership(req.deps.services, t, groupId, memberId, action, actor);
  switch (r.kind) {
    case "groupNotFound":
      throw notFound(`Group '${groupId}' (not among the synced groups)`);
    case "missingPermission":
      throw new RequestError(403, "MissingPermission", `The tenant's app lacks the Graph application permission ${r.permission} (or Group.ReadWrite.All) needed to change memberships.`, { permission: r.permission });
    case "refused":
      throw new RequestError(409, r.refusal.code, r.refusal.message);
    case "graphRejected":
      // Graph's own code and message: e.g. Request_ResourceNotFound for a member it does not know.
      throw new RequestError(r.status, r.status === 404 ? "MemberNotFound" : "GraphRejected", `Graph refused the change: ${r.message}`, { graphCode: r.code });
    case "done":
      return { status: 200, jsonBody: { groupId, memberId, result: r.result, changed: r.changed } };
  }
}

const auditQuery = z.object({ pageSize: pageSizeQuery(1000, 100), continuationToken: z.string().max(2048).optional() }).strict();

export const membershipRoutes = [
  route({
    name: "addGroupMember",
    method: "POST",
    path: "tenants/{id}/groups/{groupId}/members/{memberId}",
    access: "admin",
    summary: "Add a member to a group through Graph (idempotent); refused for groups Graph cannot manage",
    responses: { 200: "Member (already) present", 403: "The app lacks GroupMember.ReadWrite.All", 400: "Graph refused the member ID (its code in details.graphCode)", 404: "No such tenant or synced group, or a member Graph does not know", 409: "The group is managed elsewhere (on-prem AD, Exchange, dynamic rule, role-assignable)" },
    handler: (req) => write(req, "add"),
  }),
  route({
    name: "removeGroupMember",
    method: "DELETE",
    path: "tenants/{id}/groups/{groupId}/members/{memberId}",
    access: "admin",
    summary: "Remove a member from a group through Graph (idempotent); refused for groups Graph cannot manage",
    responses: { 200: "Member (already) absent", 403: "The app lacks GroupMember.ReadWrite.All", 400: "Graph refused the member ID (its code in details.graphCode)", 404: "No such tenant or synced group", 409: "The group is managed elsewhere" },
    handler: (req) => write(req, "remove"),
  }),
  route({
    name: "audit",
    method: "GET",
    path: "tenants/{id}/audit",
    access: "reader",
    summary: "Audit of membership writes and provisioning: who, when, group and member or target, action, result; newest first",
    query: auditQuery,
    responses: { 200: "A page of audit entries", 404: "No such tenant" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      const cursor = decodeToken(query.continuationToken, afterCursor);
      const page = await takePage(deps.services.audit.list(t.id, cursor?.after), query.pageSize, (e) => e.rowKey);
      return { status: 200, jsonBody: { ...page, items: page.items.map(({ rowKey: _r, ...e }) => e) } };
    },
  }),
];
