/**
 * The catalogue of synced object types, declared once. The same names key
 * counts, tables and API paths; every type has exactly one resource module
 * (graph/resources/index.ts checks that at compile time). `container` marks a
 * type whose objects carry `members@delta`, stored as links; `link` names the
 * link type browsable through it.
 */
const CATALOGUE = [
  { type: "users" },
  { type: "groups", container: true, link: "memberships" },
  { type: "devices" },
  { type: "applications" },
  { type: "servicePrincipals" },
  { type: "directoryRoles", container: true },
  { type: "subscribedSkus" },
  { type: "administrativeUnits", container: true, link: "administrativeUnitMembers" },
  { type: "roleDefinitions" },
  { type: "roleAssignments" },
  { type: "roleEligibilities" },
  { type: "oauth2PermissionGrants" },
  { type: "signInActivity" },
  { type: "directoryAudits" },
  { type: "appRoleAssignments" },
] as const satisfies readonly { readonly type: string; readonly container?: true; readonly link?: string }[];

type Entry = (typeof CATALOGUE)[number];

/** The object types the service syncs. */
export type SyncedType = Entry["type"];

/** The catalogue entry of one synced type. */
export type EntryOf<T extends SyncedType> = Extract<Entry, { readonly type: T }>;

/** Synced types whose objects hold members (groups, directory roles, administrative units). */
export type Container = Extract<Entry, { readonly container: true }>["type"];

/** Link types stored beside their parent type, browsable through it. */
export type LinkType = Extract<Entry, { readonly link: string }>["link"];

/** The synced types in fan-out order. */
export const SYNCED_TYPES: readonly SyncedType[] = Object.freeze(CATALOGUE.map((e) => e.type));

export const CONTAINERS: readonly Container[] = Object.freeze(CATALOGUE.flatMap((e) => ("container" in e ? [e.type] : [])));

export const LINK_TYPES: readonly LinkType[] = Object.freeze(CATALOGUE.flatMap((e) => ("link" in e ? [e.link] : [])));

export function isSyncedType(t: string): t is SyncedType {
  return (SYNCED_TYPES as readonly string[]).includes(t);
}

export function isContainer(t: string): t is Container {
  return (CONTAINERS as readonly string[]).includes(t);
}

/** True when A and B are the same union: used to check the resource list against the catalogue. */
export type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
