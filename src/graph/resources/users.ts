import type { ResourceModule } from "../resource.js";

export const users: ResourceModule = {
  type: "users",
  path: "/users",
  mode: "delta",
  select: [
    "displayName", "givenName", "surname", "userPrincipalName", "mail", "mailNickname", "department", "jobTitle",
    "companyName", "country", "city", "usageLocation", "userType", "accountEnabled", "createdDateTime",
    "onPremisesSyncEnabled", "onPremisesImmutableId", "employeeId", "assignedLicenses",
  ],
  permission: "User.Read.All",
  grantedBy: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => String(o.displayName ?? o.userPrincipalName ?? ""),
};
