/** A JSON value as Graph returns it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type GraphObject = { readonly id: string } & { readonly [key: string]: Json };

/** The object types the service syncs; the same names key counts, tables and API paths. */
export type SyncedType =
  | "users"
  | "groups"
  | "devices"
  | "applications"
  | "servicePrincipals"
  | "directoryRoles"
  | "subscribedSkus"
  | "administrativeUnits"
  | "roleDefinitions"
  | "roleAssignments"
  | "roleEligibilities"
  | "oauth2PermissionGrants"
  | "appRoleAssignments";

/** Link types stored beside their parent type, browsable through it. */
export type LinkType = "memberships" | "administrativeUnitMembers";

/**
 * One Graph resource type. Every module has this shape and is listed once in
 * resources/index.ts; the engine and the orchestrator fan out over that list.
 */
export interface ResourceModule {
  readonly type: SyncedType;
  /** Collection path under the version, e.g. "/users". */
  readonly path: string;
  /**
   * Delta where Graph offers it (concepts/delta-query-overview.md, "Supported resources"), otherwise a full list on every run;
   * "perParent": listed under each object of `parent` (through $batch), refreshing only the parents that changed.
   */
  readonly mode: "delta" | "list" | "perParent";
  /** perParent only: the parent type, and the collection under one parent (`path` then only names it). */
  readonly parent?: { readonly type: SyncedType; path(id: string): string };
  /** Properties tracked and stored; `id` is implied. */
  readonly select: readonly string[];
  /** The least application permission that reads this type, named in reports. */
  readonly permission: string;
  /** Any of these grants the read (Directory.Read.All covers most). */
  readonly grantedBy: readonly string[];
  /**
   * Present when objects carry `members@delta`; the members are stored as
   * links. `link` names the link type where it is browsable and counted on
   * its own (`GET /tenants/{id}/objects/{link.type}`), with the parent's ID
   * under `link.parentKey`.
   */
  readonly members?: {
    readonly container: "groups" | "directoryRoles" | "administrativeUnits";
    readonly link?: { readonly type: LinkType; readonly parentKey: string };
  };
  /**
   * Graph honours `Prefer: return=minimal` on this type's delta: changed
   * objects then carry only their changed properties (user-delta.md,
   * group-delta.md in microsoft-graph-docs-contrib/api-reference/v1.0/api).
   */
  readonly minimal?: boolean;
  /** Text that browse/search matches by prefix. */
  name(o: GraphObject): string;
}

/** The stored form of a new object: exactly the selected properties Graph returned, minus annotations. */
export function project(m: ResourceModule, o: GraphObject): Record<string, Json> {
  const out: Record<string, Json> = { id: o.id };
  for (const p of m.select) {
    if (p === "members") continue;
    const v = o[p];
    if (v !== undefined) out[p] = v;
  }
  return out;
}

/**
 * A changed object as a delta round reports it, laid over what is stored:
 * "updated instances are represented by their id with at least the
 * properties that have been updated" (concepts/delta-query-overview.md), so
 * a property not returned keeps its stored value and one returned as null
 * is cleared (stored as null, as a full read returns it).
 */
export function merge(m: ResourceModule, stored: Readonly<Record<string, Json>>, o: GraphObject): Record<string, Json> {
  // Only selected properties survive: a property dropped from `select` goes at the next write.
  return { ...project(m, { ...stored, id: o.id }), ...project(m, o) };
}

/** A delta item viewed as the whole object: the stored data with the item laid over it, annotations kept. */
export function mergedView(stored: Readonly<Record<string, Json>>, o: GraphObject): GraphObject {
  return { ...stored, ...o };
}
