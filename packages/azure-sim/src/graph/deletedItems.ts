import type { ApiCall } from "./call.js";
import { notFoundMessage } from "./errors.js";

/**
 * POST /v1.0/directory/deletedItems/{id}/restore: 200 with the restored
 * object (api-reference/v1.0/api/directory-deleteditems-restore.md). A
 * restored user has its group memberships again: they were kept while it
 * was deleted (concepts/delta-query-groups.md).
 */
export function handleRestore(call: ApiCall, id: string): void {
  const type = call.directory.restore(id);
  const obj = type && call.directory.get(type, id);
  if (!type || !obj) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(id));
  const kind = type === "users" ? "#microsoft.graph.user" : type === "applications" ? "#microsoft.graph.application" : "#microsoft.graph.servicePrincipal";
  call.ok({ "@odata.context": `${call.env.baseUrl}/v1.0/$metadata#directoryObjects/$entity`, "@odata.type": kind, ...obj });
}

/** DELETE /v1.0/directory/deletedItems/{id}: 204; the object is gone for good (api-reference/v1.0/api/directory-deleteditems-delete.md). */
export function handlePurge(call: ApiCall, id: string): void {
  if (!call.directory.purge(id)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(id));
  call.ok(undefined, 204);
}

