import type { ResourceModuleOf } from "../resource.js";

/**
 * Owners of applications and service principals: their delta documents no
 * relationship tracking (application-delta.md, serviceprincipal-delta.md in
 * api-reference/v1.0/api), so each parent's `owners` is read through
 * `$batch` (application-list-owners.md, serviceprincipal-list-owners.md:
 * the OData query parameters, `$select` and `$top` among them), for the
 * parents that changed since the last run plus a periodic full pass.
 * Stored as links (domain/synced.ts `by`), never as objects.
 */
const permission = "Application.Read.All";
// includes/permissions/application-list-owners-permissions.md, serviceprincipal-list-owners-permissions.md
const grantedBy = ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

export const applicationOwners: ResourceModuleOf<"applicationOwners"> = {
  type: "applicationOwners",
  path: "/applications/{id}/owners",
  mode: "perParent",
  parent: { type: "applications", path: (id) => `/applications/${encodeURIComponent(id)}/owners` },
  // A directoryObject collection: each item names its type in `@odata.type` (user, servicePrincipal).
  select: ["id"],
  permission,
  grantedBy,
  name: () => "",
};

export const servicePrincipalOwners: ResourceModuleOf<"servicePrincipalOwners"> = {
  type: "servicePrincipalOwners",
  path: "/servicePrincipals/{id}/owners",
  mode: "perParent",
  parent: { type: "servicePrincipals", path: (id) => `/servicePrincipals/${encodeURIComponent(id)}/owners` },
  select: ["id"],
  permission,
  grantedBy,
  name: () => "",
};
