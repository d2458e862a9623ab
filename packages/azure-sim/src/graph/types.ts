/** Shapes shared by the simulated Graph's directory, delta engine and routes. */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** A directory object as Graph returns it; `id` is always present. */
export type GraphObject = JsonObject & { id: string };

/** Resources with a `/delta` function (FACTS: delta query). */
export const DELTA_TYPES = [
  "users",
  "groups",
  "devices",
  "applications",
  "servicePrincipals",
  "directoryRoles",
  "administrativeUnits",
] as const;
export type DeltaType = (typeof DELTA_TYPES)[number];
/** Every resource the directory holds objects of. */
export type ObjectType = DeltaType | "subscribedSkus";
/** Resources whose objects carry members. */
export type ContainerType = "groups" | "directoryRoles";
/** Resources whose delta reports `members@delta` (group-delta.md, directoryrole-delta.md, administrativeunit-delta.md). */
export type MemberDeltaType = ContainerType | "administrativeUnits";
/**
 * Links other than members that delta reports as `<name>@delta` when
 * selected: a group's owners (group-delta.md: "selecting any group
 * relationship of type directoryObject collection") and a user's manager
 * (concepts/delta-query-overview.md: "$select also supports manager").
 */
export type LinkNav = "owners" | "manager";

export type MemberKind = "user" | "group" | "device";
export interface MemberRef {
  readonly id: string;
  readonly kind: MemberKind;
}
export const odataType = (kind: MemberKind): string => `#microsoft.graph.${kind}`;

export type RemovedReason = "changed" | "deleted";
export type ChangeKind = "add" | "update" | "softDelete" | "hardDelete" | "restore" | "memberAdd" | "memberRemove";

/** One entry of the directory's change log; `seq` is its 1-based position. */
export interface ChangeRecord {
  readonly seq: number;
  readonly type: ObjectType;
  /** The changed object, or the group/role for member changes. */
  readonly id: string;
  readonly kind: ChangeKind;
  readonly member?: MemberRef;
  /** The properties an update changed. */
  readonly props?: readonly string[];
  /** A link change of this navigation property rather than of `members`. */
  readonly nav?: LinkNav;
}
