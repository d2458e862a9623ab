import type { ResourceModule } from "../resource.js";

/** Managed identities are service principals with servicePrincipalType "ManagedIdentity". */
export const servicePrincipals: ResourceModule = {
  type: "servicePrincipals",
  path: "/servicePrincipals",
  mode: "delta",
  select: ["appId", "displayName", "appDisplayName", "servicePrincipalType", "accountEnabled", "appOwnerOrganizationId", "alternativeNames"],
  permission: "Application.Read.All",
  grantedBy: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => String(o.displayName ?? ""),
};
