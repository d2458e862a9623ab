import type { ResourceModuleOf } from "../resource.js";
import { textOf } from "../../domain/text.js";

export const administrativeUnits: ResourceModuleOf<"administrativeUnits"> = {
  type: "administrativeUnits",
  path: "/administrativeUnits",
  mode: "delta",
  // Every name is a property of the v1.0 resource (api-reference/v1.0/resources/administrativeunit.md in microsoft-graph-docs-contrib);
  // Graph refuses an unknown one with 400. (membershipType is beta only.)
  // `members` makes delta report members@delta, as the example in
  // api-reference/v1.0/api/administrativeunit-delta.md shows: the members ride on the units' delta.
  select: ["displayName", "description", "visibility", "members"],
  queryable: { displayName: "string" },
  permission: "AdministrativeUnit.Read.All",
  grantedBy: ["AdministrativeUnit.Read.All", "AdministrativeUnit.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => textOf(o.displayName),
};
