import { LINK_TYPES } from "../../../../src/domain/synced.js";
import type { BodyOf } from "../api/types.js";

type SyncedType = NonNullable<BodyOf<"addTenant">["objectTypes"]>[number];

/** Every synced type, as the API's schema names them (a missing or extra one fails the type check). */
const ALL: Record<SyncedType, true> = {
  users: true, groups: true, devices: true, applications: true, servicePrincipals: true, directoryRoles: true, subscribedSkus: true,
  administrativeUnits: true, roleDefinitions: true, roleAssignments: true, roleEligibilities: true, oauth2PermissionGrants: true,
  signInActivity: true, directoryAudits: true, appRoleAssignments: true, applicationOwners: true, servicePrincipalOwners: true,
};
export const SYNCED_TYPE_NAMES = Object.keys(ALL) as SyncedType[];

/** What the history counts on its own: every synced type and every link type (memberships, owners, …), from the catalogue. */
export const HISTORY_TYPE_NAMES: readonly string[] = [...new Set<string>([...SYNCED_TYPE_NAMES, ...LINK_TYPES])];
