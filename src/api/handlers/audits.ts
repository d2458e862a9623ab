import { z } from "zod";
import type { AuditQuery } from "../../store/directory-audit-store.js";
import { afterCursor, decodeToken, pageSizeQuery, takePage } from "../paging.js";
import { route, type ApiDeps } from "../route.js";
import { loadTenant } from "../tenant-param.js";

// A category or activityDisplayName (api-reference/v1.0/resources/directoryaudit.md), matched exactly.
const name = z.string().min(1).max(256).regex(/^\P{Cc}+$/u, "no control characters");

export const auditsQuery = z
  .object({
    pageSize: pageSizeQuery(1000, 100),
    continuationToken: z.string().max(2048).optional(),
    /** Entries at or after this instant. */
    since: z.iso.datetime({ offset: true }).optional(),
    category: name.optional(),
    activity: name.optional(),
  })
  .strict();

/** One page of a tenant's directory audit feed, newest first; the filters run in the table. */
export async function auditsPage(deps: ApiDeps, tenantId: string, q: Omit<AuditQuery, "after"> & { pageSize: number; continuationToken?: string | undefined }) {
  const store = deps.services.directoryAudits;
  const cursor = decodeToken(q.continuationToken, afterCursor);
  const page = await takePage(store.list(tenantId, { ...q, after: cursor?.after }), q.pageSize, (r) => r.rowKey);
  return { items: page.items.map((r) => r.audit), ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) };
}

export const auditRoutes = [
  route({
    name: "directoryAudits",
    method: "GET",
    path: "tenants/{id}/audits",
    access: "reader",
    summary: "The tenant's Entra directory audit log as synced, newest first; since (ISO 8601), category and activity (activityDisplayName) filters",
    query: auditsQuery,
    responses: { 200: "A page of directoryAudit entries", 400: "Bad query", 404: "No such tenant" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      return { status: 200, jsonBody: await auditsPage(deps, t.id, query) };
    },
  }),
];
