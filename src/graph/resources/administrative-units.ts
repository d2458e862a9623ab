import type { ResourceModule } from "../resource.js";
import { textOf } from "../../domain/text.js";

export const administrativeUnits: ResourceModule = {
  type: "administrativeUnits",
  path: "/administrativeUnits",
  mode: "delta",
  // Every name is a property of the v1.0 resource (api-reference/v1.0/resources/administrativeunit.md in microsoft-graph-docs-contrib);
  // Graph refuses an unknown one with 400. (membershipType is beta only.)
  select: ["displayName", "description", "visibility"],
  permission: "AdministrativeUnit.Read.All",
  grantedBy: ["AdministrativeUnit.Read.All", "AdministrativeUnit.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => textOf(o.displayName),
};
