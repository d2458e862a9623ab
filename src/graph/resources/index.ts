import type { ResourceModule, SyncedType } from "../resource.js";
import { administrativeUnits } from "./administrative-units.js";
import { applications } from "./applications.js";
import { appRoleAssignments } from "./app-role-assignments.js";
import { devices } from "./devices.js";
import { directoryRoles } from "./directory-roles.js";
import { groups } from "./groups.js";
import { oauth2PermissionGrants } from "./oauth2-permission-grants.js";
import { roleAssignments, roleDefinitions, roleEligibilities } from "./role-management.js";
import { servicePrincipals } from "./service-principals.js";
import { subscribedSkus } from "./subscribed-skus.js";
import { users } from "./users.js";

/** The one list of synced resource types; everything that fans out iterates this. */
export const RESOURCES: readonly ResourceModule[] = Object.freeze([
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
  appRoleAssignments,
]);

const byType = new Map<SyncedType, ResourceModule>(RESOURCES.map((r) => [r.type, r]));

export function resourceOf(type: SyncedType): ResourceModule {
  const r = byType.get(type);
  if (!r) throw new Error(`unknown resource type ${type}`);
  return r;
}

export const SYNCED_TYPES: readonly SyncedType[] = RESOURCES.map((r) => r.type);

/** Every name that keys counts and the browse API: the synced types and their links. */
export const OBJECT_TYPE_NAMES: readonly string[] = Object.freeze([...SYNCED_TYPES, ...RESOURCES.flatMap((r) => (r.members?.link ? [r.members.link.type] : []))]);

/** The parent module of a link type, or undefined when the name is not one. */
export function linkParentOf(type: string): ResourceModule | undefined {
  return RESOURCES.find((r) => r.members?.link?.type === type);
}
