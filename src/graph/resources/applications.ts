import type { ResourceModule } from "../resource.js";

export const applications: ResourceModule = {
  type: "applications",
  path: "/applications",
  mode: "delta",
  select: ["appId", "displayName", "signInAudience", "createdDateTime", "passwordCredentials"],
  permission: "Application.Read.All",
  grantedBy: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => String(o.displayName ?? ""),
};
