import { textOf } from "../../domain/text.js";
import type { ResourceModuleOf } from "../resource.js";

/**
 * The directory audit log, newest first (api-reference/v1.0/api/directoryaudit-list.md):
 * `$filter` on activityDateTime (ge), `$top` and skiptoken; no `$select` among
 * its documented options, so every property comes and those of
 * resources/directoryaudit.md are kept. Offered in the global and US
 * Government clouds, not in China (the page's national cloud table,
 * includes/global-us.md). Reports are limited to five requests per 10 seconds
 * per app and tenant (includes/throttling-entra-logs-reports.md).
 */
export const directoryAudits: ResourceModuleOf<"directoryAudits"> = {
  type: "directoryAudits",
  path: "/auditLogs/directoryAudits",
  mode: "feed",
  select: ["category", "correlationId", "result", "resultReason", "activityDisplayName", "activityDateTime", "loggedByService", "operationType", "initiatedBy", "targetResources", "additionalDetails"],
  pageSize: 999,
  rate: { requests: 5, perMs: 10_000 },
  clouds: ["global", "usgov", "usgovdod"],
  permission: "AuditLog.Read.All",
  grantedBy: ["AuditLog.Read.All"],
  name: (o) => textOf(o.activityDisplayName),
};
