import type { ResourceModuleOf } from "../resource.js";
import { textOf } from "../../domain/text.js";

/** Managed identities are service principals with servicePrincipalType "ManagedIdentity". */
export const servicePrincipals: ResourceModuleOf<"servicePrincipals"> = {
  type: "servicePrincipals",
  path: "/servicePrincipals",
  mode: "delta",
  // Every name is a property of the v1.0 resource (api-reference/v1.0/resources/serviceprincipal.md in microsoft-graph-docs-contrib);
  // Graph refuses an unknown one with 400.
  select: ["appId", "displayName", "appDisplayName", "servicePrincipalType", "accountEnabled", "appOwnerOrganizationId", "alternativeNames"],
  queryable: { displayName: "string", appId: "string", servicePrincipalType: "string", accountEnabled: "boolean" },
  permission: "Application.Read.All",
  grantedBy: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => textOf(o.displayName),
};
