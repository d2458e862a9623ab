import type { ResourceModuleOf } from "../resource.js";
import { textOf } from "../../domain/text.js";

/** Activated roles; their members@delta are the role assignments. */
export const directoryRoles: ResourceModuleOf<"directoryRoles"> = {
  type: "directoryRoles",
  path: "/directoryRoles",
  mode: "delta",
  // Every name is a property of the v1.0 resource (api-reference/v1.0/resources/directoryrole.md in microsoft-graph-docs-contrib);
  // Graph refuses an unknown one with 400.
  select: ["displayName", "description", "roleTemplateId", "members"],
  queryable: { displayName: "string", roleTemplateId: "string" },
  permission: "RoleManagement.Read.Directory",
  grantedBy: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => textOf(o.displayName),
};
