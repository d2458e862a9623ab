import type { BodyOf } from "../api/types.js";

type SyncedType = NonNullable<BodyOf<"addTenant">["objectTypes"]>[number];

/** Every synced type, as the API's schema names them (a missing or extra one fails the type check). */
const ALL: Record<SyncedType, true> = {
  users: true, groups: true, devices: true, applications: true, servicePrincipals: true, directoryRoles: true, subscribedSkus: true,
  administrativeUnits: true, roleDefinitions: true, roleAssignments: true, roleEligibilities: true, oauth2PermissionGrants: true,
  signInActivity: true, directoryAudits: true, appRoleAssignments: true, applicationOwners: true, servicePrincipalOwners: true,
};
export const SYNCED_TYPE_NAMES = Object.keys(ALL) as SyncedType[];
