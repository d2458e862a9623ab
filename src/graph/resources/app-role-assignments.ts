import { textOf } from "../../domain/text.js";
import type { ResourceModuleOf } from "../resource.js";

/**
 * Who holds which app role on which enterprise app: the `appRoleAssignedTo`
 * of each service principal (api-reference/v1.0/api/serviceprincipal-list-approleassignedto.md,
 * which takes the OData query parameters, `$select` and `$top` among them).
 * v1.0 has no delta for it (no approleassignment-delta page), so the
 * service principals that changed are read again, 20 to a `$batch`
 * (concepts/json-batching.md), with a periodic full pass.
 */
export const appRoleAssignments: ResourceModuleOf<"appRoleAssignments"> = {
  type: "appRoleAssignments",
  path: "/servicePrincipals/{id}/appRoleAssignedTo",
  mode: "perParent",
  parent: { type: "servicePrincipals", path: (id) => `/servicePrincipals/${encodeURIComponent(id)}/appRoleAssignedTo` },
  // Properties of api-reference/v1.0/resources/approleassignment.md.
  select: ["principalId", "principalType", "principalDisplayName", "resourceId", "resourceDisplayName", "appRoleId", "createdDateTime", "deletedDateTime"],
  permission: "Application.Read.All",
  grantedBy: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => textOf(o.principalDisplayName),
};
