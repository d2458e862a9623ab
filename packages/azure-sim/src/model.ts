/** Shapes shared by the simulated Entra, Graph and Key Vault. */
import { EXTRA_TYPES } from "./graph/extras/kinds.js";

/** The object type names, as used in sim.json counts, the store and the API paths. */
export const OBJECT_TYPES = [
  "users",
  "groups",
  "memberships",
  "devices",
  "applications",
  "servicePrincipals",
  "directoryRoles",
  "subscribedSkus",
  "administrativeUnits",
  ...EXTRA_TYPES,
] as const;
export type ObjectTypeName = (typeof OBJECT_TYPES)[number];
export type Counts = Record<ObjectTypeName, number>;

/** What a simulated tenant's directory is generated from. Deterministic under `seed`. */
export interface DirectorySpec {
  readonly seed: number;
  readonly users: number;
  readonly groups: number;
  /** Average members per ordinary group (the large group is extra). */
  readonly avgGroupMembers: number;
  /** Size of the one large group; capped by `users`. */
  readonly largeGroupMembers: number;
  readonly devices: number;
  readonly applications: number;
  /** Service principals besides those of the applications; a share are managed identities. */
  readonly extraServicePrincipals: number;
  readonly managedIdentities: number;
  readonly administrativeUnits: number;
  /** Entra ID P1/P2 in the tenant: sign-in activity needs either, PIM needs P2. */
  readonly licences?: { readonly p1: boolean; readonly p2: boolean };
}

export interface SimSecret {
  readonly keyId: string;
  /** The first three characters of the secret, as Graph shows them. */
  readonly hint: string;
  readonly secretText: string;
  readonly displayName: string;
  readonly startDateTime: string;
  readonly endDateTime: string;
}

/** An app registration that may sign in to a tenant (client credentials). */
export interface SimApp {
  readonly clientId: string;
  readonly objectId: string;
  readonly displayName: string;
  readonly secrets: SimSecret[];
  /** Application permissions (Graph app roles) consented in this tenant; empty means consent missing. */
  grantedPermissions: string[];
}

export interface SimTenantInfo {
  readonly tenantId: string;
  readonly domain: string;
  readonly displayName: string;
  readonly verifiedDomains: readonly string[];
}

/** Every Graph read permission the simulated tenants may be granted. */
export const READ_PERMISSIONS = [
  "User.Read.All",
  "Group.Read.All",
  "GroupMember.Read.All",
  "Device.Read.All",
  "Application.Read.All",
  "RoleManagement.Read.Directory",
  "Organization.Read.All",
  "AdministrativeUnit.Read.All",
  "RoleEligibilitySchedule.Read.Directory",
  "RoleAssignmentSchedule.Read.Directory",
  "DelegatedPermissionGrant.Read.All",
  "AuditLog.Read.All",
] as const;
