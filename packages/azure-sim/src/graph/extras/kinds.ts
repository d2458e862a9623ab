import type { JsonObject } from "../types.js";

/** The kinds beyond the delta collections, under the type names the ground truth and sim.json use. */
export const EXTRA_TYPES = [
  "roleDefinitions",
  "roleAssignments",
  "roleEligibilities",
  "appRoleAssignments",
  "oauth2PermissionGrants",
  "owners",
  // The owners of one parent type, as the service stores them (per-parent link kinds): `owners` rows of that parentType.
  "applicationOwners",
  "servicePrincipalOwners",
  "managers",
  "administrativeUnitMembers",
  "directoryAudits",
] as const;
export type ExtraType = (typeof EXTRA_TYPES)[number];

/** Parents whose `owners` Graph serves (group-list-owners.md, application-list-owners.md, serviceprincipal-list-owners.md). */
export type OwnedType = "groups" | "applications" | "servicePrincipals";

export interface Licences {
  readonly p1: boolean;
  readonly p2: boolean;
}
export const DEFAULT_LICENCES: Licences = Object.freeze({ p1: true, p2: true });

/** A link row as the ground truth serves it. */
export type LinkRow = JsonObject;
