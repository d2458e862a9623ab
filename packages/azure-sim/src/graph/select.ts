import type { GraphObject } from "./types.js";

/** `$select` as a property list; null means "no $select" (all properties). */
export function parseSelect(raw: string | null): string[] | null {
  if (raw === null) return null;
  const props = raw
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return props.length > 0 ? [...new Set(props)] : null;
}

/** Navigation properties delta reports through `<name>@delta`, never as a plain property. */
const NAVIGATION = new Set(["members", "owners", "manager"]);

export function wantsMembers(select: readonly string[] | null): boolean {
  return select === null || select.includes("members");
}

/**
 * Owners and manager only when named: the docs promise them for a
 * `$select` that lists them (group-delta.md, delta-query-overview.md),
 * not for a delta without `$select`.
 */
export function wantsNav(select: readonly string[] | null, nav: "owners" | "manager"): boolean {
  return select !== null && select.includes(nav);
}

/**
 * The object with only the selected properties; id always. A selected
 * property the object lacks comes back null, as Graph returns unset ones.
 */
export function project(obj: GraphObject, select: readonly string[] | null): GraphObject {
  if (select === null) return { ...obj };
  const out: GraphObject = { id: obj.id };
  for (const p of select) {
    if (NAVIGATION.has(p) || p === "id") continue;
    out[p] = obj[p] ?? null;
  }
  return out;
}
