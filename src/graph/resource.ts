import type { Cloud } from "../config/clouds.js";
import type { Json, GraphObject } from "../domain/graph-object.js";
import { linksOf, type SyncedType } from "../domain/synced.js";

/** The kind of a queryable property: what operators apply to it. */
export type QueryableKind = "string" | "boolean" | "strings";

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
   * "attribute": a property of another type's objects (`of`), read by a periodic list and stored beside them;
   * "feed": an append-only log read from a time cursor, kept for a number of days;
   * "perParent": listed under each object of `parent` (through $batch), refreshing only the parents that changed.
   */
  readonly mode: "delta" | "list" | "attribute" | "feed" | "perParent";
  /** perParent only: the parent type, and the collection under one parent (`path` then only names it). */
  readonly parent?: { readonly type: SyncedType; path(id: string): string };
  /** Attribute mode: the type whose objects carry this property. */
  readonly of?: SyncedType;
  /** `$top` sent on the first page, where Graph's default is smaller than what the type allows. */
  readonly pageSize?: number;
  /** Graph's per-app-per-tenant request limit for this type, where it is lower than for other reads (concepts/throttling-limits.md). */
  readonly rate?: { readonly requests: number; readonly perMs: number };
  /** The national clouds that offer the API (its page's "national cloud deployments" table); all when absent. */
  readonly clouds?: readonly Cloud[];
  /** Properties tracked and stored; `id` is implied. */
  readonly select: readonly string[];
  /** The least application permission that reads this type, named in reports. */
  readonly permission: string;
  /** Any of these grants the read (Directory.Read.All covers most). */
  readonly grantedBy: readonly string[];
  /**
   * Graph honours `Prefer: return=minimal` on this type's delta: changed
   * objects then carry only their changed properties (user-delta.md,
   * group-delta.md in microsoft-graph-docs-contrib/api-reference/v1.0/api).
   */
  readonly minimal?: boolean;
  /**
   * Properties `?filter=` may name, by kind (src/query): a string, a boolean,
   * or a collection of strings (matched with `any`). String kinds get index
   * rows (src/query/index-keys.ts); booleans are matched over the rows read.
   */
  readonly queryable?: Readonly<Record<string, QueryableKind>>;
  /** Text that browse/search matches by prefix. */
  name(o: GraphObject): string;
}

/** The module of type T. Its links are the catalogue's (domain/synced.ts `linksOf`); each link's nav is in `select` (checked in test/domain/synced.test.ts). */
export type ResourceModuleOf<T extends SyncedType> = ResourceModule & { readonly type: T };

/** The stored form of a new object: exactly the selected properties Graph returned, minus annotations. */
export function project(m: ResourceModule, o: GraphObject): Record<string, Json> {
  const out: Record<string, Json> = { id: o.id };
  const navs = linksOf(m.type).map((l) => l.nav);
  for (const p of m.select) {
    // A navigation comes as `<nav>@delta` and is stored as links, never in the object.
    if (navs.includes(p)) continue;
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
