import type { JsonObject } from "../types.js";
import type { ExtraType, OwnedType } from "./kinds.js";
import type { Extras } from "./store.js";

function* ownersOf(x: Extras, parentType: OwnedType): Generator<JsonObject> {
  for (const o of x.owners()) if (o.parentType === parentType) yield o;
}

/** The ground-truth rows of a kind, as /_sim/{tenantId}/truth/{type} serves them. */
export function truthRows(x: Extras, type: ExtraType): Iterable<JsonObject> {
  switch (type) {
    case "roleDefinitions":
      return x.roleDefinitions();
    case "roleAssignments":
      return x.roleAssignments();
    case "roleEligibilities":
      return x.roleEligibilities();
    case "appRoleAssignments":
      return x.appRoleAssignments();
    case "oauth2PermissionGrants":
      return x.grants();
    case "owners":
      return x.owners();
    case "applicationOwners":
      return ownersOf(x, "applications");
    case "servicePrincipalOwners":
      return ownersOf(x, "servicePrincipals");
    case "managers":
      return x.managers();
    case "administrativeUnitMembers":
      return x.administrativeUnitMembers();
    case "directoryAudits":
      return x.directoryAudits();
  }
}

/** Per kind, how many rows the truth holds (sim.json `counts`, /_sim/{tenantId}/truth). */
export function truthCounts(x: Extras): Record<ExtraType, number> {
  const n = (it: Iterable<unknown>) => {
    let k = 0;
    for (const _ of it) k++;
    return k;
  };
  return {
    roleDefinitions: x.roleDefinitions().length,
    roleAssignments: x.roleAssignments().length,
    roleEligibilities: x.roleEligibilities().length,
    appRoleAssignments: n(x.appRoleAssignments()),
    oauth2PermissionGrants: x.grants().length,
    owners: n(x.owners()),
    applicationOwners: n(ownersOf(x, "applications")),
    servicePrincipalOwners: n(ownersOf(x, "servicePrincipals")),
    managers: x.managerCount(),
    administrativeUnitMembers: n(x.administrativeUnitMembers()),
    directoryAudits: x.directoryAudits().length,
  };
}
