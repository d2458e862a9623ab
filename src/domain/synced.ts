/**
 * The catalogue of synced object types, declared once. The same names key
 * counts, tables and API paths; every type has exactly one resource module
 * (graph/resources/index.ts checks that at compile time).
 *
 * `links` are the Graph navigation properties whose `<nav>@delta`
 * annotation a type's delta carries (members@delta, owners@delta,
 * manager@delta), each stored as link rows under its own `store` key in
 * the Members table, browsed with the parent's ID under `parentKey`. `link` names
 * the link type browsable at GET /tenants/{id}/objects/{link} and counted
 * in the history on its own. `single` marks a single-valued navigation (a
 * user has one manager): a new value replaces the stored one. `by` names
 * the per-parent kind that reads a navigation delta does not carry (its
 * own stream, counts and history record); the links still belong to the
 * parent type and go with a deleted parent.
 */
const CATALOGUE = [
  { type: "users", links: [{ nav: "manager", store: "userManagers", link: "managers", parentKey: "userId", memberKey: "managerId", single: true }] },
  {
    type: "groups",
    links: [
      { nav: "members", store: "groups", link: "memberships", parentKey: "groupId" },
      { nav: "owners", store: "groupOwners", link: "owners", parentKey: "parentId", memberKey: "ownerId" },
    ],
  },
  { type: "devices" },
  // No owners on their delta (application-delta.md, serviceprincipal-delta.md): `by` names the per-parent kind that reads them.
  { type: "applications", links: [{ nav: "owners", store: "applicationOwners", link: "owners", parentKey: "parentId", memberKey: "ownerId", by: "applicationOwners" }] },
  { type: "servicePrincipals", links: [{ nav: "owners", store: "servicePrincipalOwners", link: "owners", parentKey: "parentId", memberKey: "ownerId", by: "servicePrincipalOwners" }] },
  { type: "directoryRoles", links: [{ nav: "members", store: "directoryRoles" }] },
  { type: "subscribedSkus" },
  { type: "administrativeUnits", links: [{ nav: "members", store: "administrativeUnits", link: "administrativeUnitMembers", parentKey: "administrativeUnitId" }] },
  { type: "roleDefinitions" },
  { type: "roleAssignments" },
  { type: "roleEligibilities" },
  { type: "oauth2PermissionGrants" },
  { type: "signInActivity" },
  { type: "directoryAudits" },
  { type: "appRoleAssignments" },
  { type: "applicationOwners" },
  { type: "servicePrincipalOwners" },
] as const satisfies readonly {
  readonly type: string;
  readonly links?: readonly { readonly nav: string; readonly store: string; readonly link?: string; readonly parentKey?: string; readonly memberKey?: string; readonly single?: true; readonly by?: string }[];
}[];

type Entry = (typeof CATALOGUE)[number];
type LinkEntry = Extract<Entry, { readonly links: unknown }>["links"][number];

/** The object types the service syncs. */
export type SyncedType = Entry["type"];

/** The catalogue entry of one synced type. */
export type EntryOf<T extends SyncedType> = Extract<Entry, { readonly type: T }>;

/** A link store: the Members-table key of one (parent type, navigation) pair. */
export type Container = LinkEntry["store"];

/** Link types stored beside their parent type, browsable through it. */
export type LinkType = Extract<LinkEntry, { readonly link: string }>["link"];

/** One navigation of a parent type, stored as links. */
export interface LinkSpec {
  readonly parent: SyncedType;
  /** The Graph navigation property; its changes come as `<nav>@delta`. */
  readonly nav: string;
  readonly store: Container;
  /** Browsed as `{ [parentKey]: parent, [memberKey]: target, type }`; memberKey defaults to memberId. */
  readonly link?: { readonly type: LinkType; readonly parentKey: string; readonly memberKey: string };
  readonly single: boolean;
  /** The type whose stream fills and counts these links: the parent's delta, or a per-parent kind (`by`). */
  readonly stream: SyncedType;
}

/** The synced types in fan-out order. */
export const SYNCED_TYPES: readonly SyncedType[] = Object.freeze(CATALOGUE.map((e) => e.type));

/** Every link spec, in catalogue order. */
export const LINK_SPECS: readonly LinkSpec[] = Object.freeze(
  CATALOGUE.flatMap((e) =>
    "links" in e
      ? e.links.map((l): LinkSpec => ({
          parent: e.type,
          nav: l.nav,
          store: l.store,
          ...("link" in l ? { link: { type: l.link, parentKey: l.parentKey, memberKey: "memberKey" in l ? l.memberKey : "memberId" } } : {}),
          single: "single" in l,
          stream: "by" in l ? l.by : e.type,
        }))
      : [],
  ),
);

export const CONTAINERS: readonly Container[] = Object.freeze(LINK_SPECS.map((l) => l.store));

/** Browsable link types, each once (several stores may share one: owners of groups, applications and service principals). */
export const LINK_TYPES: readonly LinkType[] = Object.freeze([...new Set(LINK_SPECS.flatMap((l) => (l.link ? [l.link.type] : [])))]);

/** The links a type's stream fills and counts (none for most types). */
export function linksOf(type: string): readonly LinkSpec[] {
  return LINK_SPECS.filter((l) => l.stream === type);
}

/** The links a type's objects hold as parent, whichever stream fills them: they go when the object goes. */
export function linksHeldBy(type: string): readonly LinkSpec[] {
  return LINK_SPECS.filter((l) => l.parent === type);
}

/** The link store a per-parent link kind fills (applicationOwners), or undefined for any other type. */
export function linkKindOf(type: string): LinkSpec | undefined {
  return LINK_SPECS.find((l) => l.stream === type && l.parent !== type);
}

/** The spec of a browsable link type, or undefined when the name is not one. */
export function linkSpecOf(linkType: string): LinkSpec | undefined {
  return LINK_SPECS.find((l) => l.link?.type === linkType);
}

/** Every store browsed under a link type (`owners`: groups', applications', service principals'), or a link kind's own one. */
export function linkStoresOf(name: string): readonly LinkSpec[] {
  const kind = linkKindOf(name);
  return kind ? [kind] : LINK_SPECS.filter((l) => l.link?.type === name);
}

/** True when the type's objects carry `members@delta`, which Graph splits over pages (groups, roles, units). */
export function hasMembers(type: string): boolean {
  return linksOf(type).some((l) => l.nav === "members");
}

export function isSyncedType(t: string): t is SyncedType {
  return (SYNCED_TYPES as readonly string[]).includes(t);
}

export function isContainer(t: string): t is Container {
  return (CONTAINERS as readonly string[]).includes(t);
}

/** True when A and B are the same union: used to check the resource list against the catalogue. */
export type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
