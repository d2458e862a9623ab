import type { ResourceModuleOf } from "../resource.js";
import { textOf } from "../../domain/text.js";

export const applications: ResourceModuleOf<"applications"> = {
  type: "applications",
  path: "/applications",
  mode: "delta",
  // Every name is a property of the v1.0 resource (api-reference/v1.0/resources/application.md in microsoft-graph-docs-contrib);
  // Graph refuses an unknown one with 400.
  select: ["appId", "displayName", "signInAudience", "createdDateTime", "passwordCredentials"],
  queryable: { displayName: "string", appId: "string" },
  permission: "Application.Read.All",
  grantedBy: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => textOf(o.displayName),
};
