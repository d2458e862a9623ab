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
  | "administrativeUnits";

/**
 * One Graph resource type. Every module has this shape and is listed once in
 * resources/index.ts; the engine and the orchestrator fan out over that list.
 */
export interface ResourceModule {
  readonly type: SyncedType;
  /** Collection path under the version, e.g. "/users". */
  readonly path: string;
  /** Delta where Graph offers it (FACTS), otherwise a full list on every run. */
  readonly mode: "delta" | "list";
  /** Properties tracked and stored; `id` is implied. */
  readonly select: readonly string[];
  /** The least application permission that reads this type, named in reports. */
  readonly permission: string;
  /** Any of these grants the read (Directory.Read.All covers most). */
  readonly grantedBy: readonly string[];
  /** Present when objects carry `members@delta`; the members are stored as links. */
  readonly members?: { readonly container: "groups" | "directoryRoles" };
  /** Text that browse/search matches by prefix. */
  name(o: GraphObject): string;
}

/** The stored form: exactly the selected properties Graph returned, minus annotations. */
export function project(m: ResourceModule, o: GraphObject): Record<string, Json> {
  const out: Record<string, Json> = { id: o.id };
  for (const p of m.select) {
    if (p === "members") continue;
    const v = o[p];
    if (v !== undefined) out[p] = v;
  }
  return out;
}
