import { textOf } from "../../domain/text.js";
import type { ResourceModuleOf } from "../resource.js";

/**
 * Delegated consents: which client (service principal) may call which
 * resource with which scopes, for everyone ("AllPrincipals") or one user
 * ("Principal"). Delta and `$select` are documented
 * (api-reference/v1.0/api/oauth2permissiongrant-delta.md in microsoft-graph-docs-contrib).
 */
export const oauth2PermissionGrants: ResourceModuleOf<"oauth2PermissionGrants"> = {
  type: "oauth2PermissionGrants",
  path: "/oauth2PermissionGrants",
  mode: "delta",
  // Properties of api-reference/v1.0/resources/oauth2permissiongrant.md.
  select: ["clientId", "consentType", "principalId", "resourceId", "scope"],
  // DelegatedPermissionGrant.Read.All is the least application permission of the list
  // (api-reference/v1.0/api/oauth2permissiongrant-list.md); older copies of the delta page name Directory.Read.All first.
  permission: "DelegatedPermissionGrant.Read.All",
  grantedBy: ["DelegatedPermissionGrant.Read.All", "Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"],
  name: (o) => textOf(o.clientId),
};
