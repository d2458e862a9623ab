import type { ResourceModuleOf } from "../resource.js";
import { textOf } from "../../domain/text.js";

/**
 * `manager` in `$select` brings manager@delta, an array holding the
 * manager's reference: "It is the $select=manager operator that will include
 * changes to manager", `$expand` being ignored on delta (maintainer,
 * microsoftgraph/microsoft-graph-docs#6194; user-delta.md is silent). The
 * manager is stored as a link, not in the user record.
 */
export const users: ResourceModuleOf<"users"> = {
  type: "users",
  path: "/users",
  mode: "delta",
  // Every name is a property of the v1.0 resource (api-reference/v1.0/resources/user.md in microsoft-graph-docs-contrib);
  // Graph refuses an unknown one with 400.
  select: [
    "displayName", "givenName", "surname", "userPrincipalName", "mail", "mailNickname", "department", "jobTitle",
    "companyName", "country", "city", "usageLocation", "userType", "accountEnabled", "createdDateTime",
    "onPremisesSyncEnabled", "onPremisesImmutableId", "employeeId", "assignedLicenses", "manager",
  ],
  queryable: { displayName: "string", userPrincipalName: "string", mail: "string", department: "string", userType: "string", accountEnabled: "boolean", onPremisesSyncEnabled: "boolean" },
  permission: "User.Read.All",
  grantedBy: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  minimal: true,
  name: (o) => textOf(o.displayName, textOf(o.userPrincipalName)),
};
