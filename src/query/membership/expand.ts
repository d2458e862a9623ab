import { odata } from "@azure/data-tables";
import type { Json } from "../../domain/graph-object.js";
import { linksOf, type SyncedType } from "../../domain/synced.js";
import { textOf } from "../../domain/text.js";
import type { MemberStore } from "../../store/member-store.js";
import type { ObjectStore } from "../../store/object-store.js";
import { ReverseLinks } from "../../store/reverse-links.js";
import { memberOf } from "./member-of.js";

export const EXPANDS = ["memberOf", "owners", "manager", "directReports", "appRoleAssignments", "roleAssignments"] as const;
export type Expand = (typeof EXPANDS)[number];

/** Types that can be members of groups, roles and units (api-reference/v1.0/resources/group.md, members). */
const MEMBER_TYPES: readonly string[] = ["users", "groups", "devices", "servicePrincipals"];
/** Types that can hold app roles and directory roles (api-reference/v1.0/resources/approleassignment.md, unifiedroleassignment.md). */
const PRINCIPAL_TYPES: readonly string[] = ["users", "groups", "servicePrincipals"];

/** Whether an expand applies to a type; owners, manager and directReports follow the catalogue's links. */
export function expandApplies(type: SyncedType, e: Expand): boolean {
  switch (e) {
    case "memberOf":
      return MEMBER_TYPES.includes(type);
    case "owners":
      return linksOf(type).some((l) => l.nav === "owners");
    case "manager":
    case "directReports":
      return linksOf(type).some((l) => l.nav === "manager");
    case "appRoleAssignments":
    case "roleAssignments":
      return PRINCIPAL_TYPES.includes(type);
  }
}

/** An expand's answer is capped: the full lists have their own paged routes. */
export const EXPAND_CAP = 1000;

/** Rows of a listed type whose `principalId` is one of `ids`; `byName` when the row's name column is the principal ID. */
export async function assignmentsOf(objects: ObjectStore, type: "roleAssignments" | "roleEligibilities" | "appRoleAssignments", ids: ReadonlySet<string>): Promise<Array<Record<string, Json>>> {
  const out: Array<Record<string, Json>> = [];
  // roleAssignments and roleEligibilities keep principalId in the name column (graph/resources/role-management.ts):
  // one filtered query per principal. appRoleAssignments name theirs by display name: read the list.
  if (type !== "appRoleAssignments" && ids.size <= 20) {
    for (const id of ids) for await (const row of objects.list(type, odata`name eq ${id.toLowerCase()}`)) if (textOf(row.data.principalId).toLowerCase() === id) out.push({ ...row.data, id: row.id });
    return out;
  }
  for await (const row of objects.list(type)) if (ids.has(textOf(row.data.principalId).toLowerCase())) out.push({ ...row.data, id: row.id });
  return out;
}

/** The value of one expand of object `id`. */
export async function expandValue(objects: ObjectStore, members: MemberStore, type: SyncedType, id: string, e: Expand): Promise<Json> {
  const refs = (rows: Array<{ id: string; type: string }>): Json => rows.slice(0, EXPAND_CAP).map((r) => ({ id: r.id, type: r.type }));
  switch (e) {
    case "memberOf":
      return (await memberOf(members, id, false)).items.slice(0, EXPAND_CAP).map((i) => ({ id: i.id, type: i.type }));
    case "owners": {
      const out: Array<{ id: string; type: string }> = [];
      for (const l of linksOf(type).filter((x) => x.nav === "owners")) for await (const m of members.members(l.store, id)) out.push({ id: m.memberId, type: m.memberType });
      return refs(out);
    }
    case "manager": {
      const l = linksOf(type).find((x) => x.nav === "manager");
      if (!l) return null;
      for await (const m of members.members(l.store, id)) return { id: m.memberId, type: m.memberType };
      return null;
    }
    case "directReports": {
      const l = linksOf(type).find((x) => x.nav === "manager");
      const out: Array<{ id: string; type: string }> = [];
      if (l) for await (const r of new ReverseLinks(members).of(id, [l.store])) out.push({ id: r.containerId, type: r.containerType.replace(/s$/, "") });
      return refs(out);
    }
    case "appRoleAssignments":
    case "roleAssignments":
      return (await assignmentsOf(objects, e, new Set([id]))).slice(0, EXPAND_CAP);
  }
}
