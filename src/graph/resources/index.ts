import type { Cloud } from "../../config/clouds.js";
import { LINK_TYPES, linkSpecOf, SYNCED_TYPES, type LinkSpec, type SyncedType } from "../../domain/synced.js";
import type { ResourceModule, ResourceModuleOf } from "../resource.js";
import { administrativeUnits } from "./administrative-units.js";
import { applications } from "./applications.js";
import { appRoleAssignments } from "./app-role-assignments.js";
import { devices } from "./devices.js";
import { directoryAudits } from "./directory-audits.js";
import { directoryRoles } from "./directory-roles.js";
import { groups } from "./groups.js";
import { oauth2PermissionGrants } from "./oauth2-permission-grants.js";
import { applicationOwners, servicePrincipalOwners } from "./owners.js";
import { roleAssignments, roleDefinitions, roleEligibilities } from "./role-management.js";
import { servicePrincipals } from "./service-principals.js";
import { signInActivity } from "./sign-in-activity.js";
import { subscribedSkus } from "./subscribed-skus.js";
import { users } from "./users.js";

/**
 * One module per catalogue type (domain/synced.ts), checked at compile time:
 * a missing or extra key, or a module under another type's key, is an error.
 */
const BY_TYPE: { readonly [T in SyncedType]: ResourceModuleOf<T> } = {
  users,
  groups,
  devices,
  applications,
  servicePrincipals,
  directoryRoles,
  subscribedSkus,
  administrativeUnits,
  roleDefinitions,
  roleAssignments,
  roleEligibilities,
  oauth2PermissionGrants,
  signInActivity,
  directoryAudits,
  appRoleAssignments,
  applicationOwners,
  servicePrincipalOwners,
};

/** The one list of synced resource types, in catalogue order; everything that fans out iterates this. */
export const RESOURCES: readonly ResourceModule[] = Object.freeze(SYNCED_TYPES.map((t): ResourceModule => BY_TYPE[t]));

export function resourceOf(type: SyncedType): ResourceModule {
  // A type cast from outside the catalogue reads undefined here.
  const r: ResourceModule | undefined = BY_TYPE[type];
  if (!r) throw new Error(`unknown resource type ${type}`);
  return r;
}

/** The types a new tenant syncs when it names none: every type its cloud offers. */
export const defaultTypesFor = (cloud: Cloud): SyncedType[] => RESOURCES.filter((r) => !r.clouds || r.clouds.includes(cloud)).map((r) => r.type);

/** Every name that keys counts and the browse API: the synced types and their links. */
export const OBJECT_TYPE_NAMES: readonly string[] = Object.freeze([...SYNCED_TYPES, ...LINK_TYPES]);

/** The link spec of a browsable link type, or undefined when the name is not one. */
export function linkParentOf(type: string): LinkSpec | undefined {
  return linkSpecOf(type);
}
