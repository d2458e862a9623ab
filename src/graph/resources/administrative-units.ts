import type { ResourceModule } from "../resource.js";

export const administrativeUnits: ResourceModule = {
  type: "administrativeUnits",
  path: "/administrativeUnits",
  mode: "delta",
  select: ["displayName", "description", "visibility", "membershipType"],
  permission: "AdministrativeUnit.Read.All",
  grantedBy: ["AdministrativeUnit.Read.All", "AdministrativeUnit.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => String(o.displayName ?? ""),
};
