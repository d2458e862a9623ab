import type { Versioned, TenantRecord } from "../store/tenant-store.js";
import { isGuid } from "../tenants/resolve-tenant.js";
import { RequestError } from "./errors.js";
import type { ApiDeps } from "./route.js";

export const notFound = (what: string) => new RequestError(404, "NotFound", `${what} was not found.`);

/** The tenant named in the path, or 404. */
export async function loadTenant(deps: ApiDeps, id: string | undefined): Promise<Versioned<TenantRecord>> {
  if (!id || !isGuid(id)) throw notFound(`Tenant '${id ?? ""}'`);
  const t = await deps.services.tenants.get(id.toLowerCase());
  if (!t) throw notFound(`Tenant '${id}'`);
  return t;
}

/** Honours If-Match: a stale ETag is a lost update, answered 412. */
export function checkIfMatch(headers: Headers, etag: string): void {
  const want = headers.get("if-match");
  if (want !== null && want !== "*" && want !== etag) {
    throw new RequestError(412, "PreconditionFailed", "The tenant changed since it was read (If-Match does not match its ETag). Read it again and retry.");
  }
}
