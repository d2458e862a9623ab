import type { ResourceModule } from "../graph/resource.js";
import type { Expr } from "./ast.js";
import { indexedProps, NULL_STEM, valueStem, type IndexRange } from "./index-keys.js";

/** More ranges than this and the filter reads the type instead (each range is one more query per page). */
const MAX_RANGES = 60;

const exact = (prop: string, v: string | null): IndexRange => ({ prop, prefix: `${v === null ? NULL_STEM : valueStem(v)}|` });

/**
 * A guess at a range set's size: an exact value is one value's rows, a
 * prefix of a few characters may be a large part of the type.
 */
const cost = (rs: readonly IndexRange[]): number => rs.reduce((n, r) => n + (r.prefix.endsWith("|") ? 1 : r.prefix.length > 3 ? 3 : 10), 0);

/**
 * The index ranges whose rows hold every object the filter can match (a
 * superset: candidates are then checked against the object), or undefined
 * when no index serves it and the type's rows are read. `eq`, `in`,
 * `startswith` and `any` on an indexed property are ranges; `ne` and
 * booleans are not. An `and` is served by its cheapest served term, an
 * `or` only when every term is served.
 */
export function rangesOf(m: ResourceModule, e: Expr): IndexRange[] | undefined {
  const indexed = new Set(indexedProps(m));
  const walk = (x: Expr): IndexRange[] | undefined => {
    switch (x.kind) {
      case "and": {
        const served = x.items.map(walk).filter((r): r is IndexRange[] => r !== undefined);
        return served.sort((a, b) => cost(a) - cost(b))[0];
      }
      case "or": {
        const all: IndexRange[] = [];
        for (const i of x.items) {
          const r = walk(i);
          if (!r) return undefined;
          all.push(...r);
        }
        return all;
      }
      case "eq":
        return indexed.has(x.prop) && typeof x.value !== "boolean" ? [exact(x.prop, x.value)] : undefined;
      case "in":
        return indexed.has(x.prop) && x.values.every((v) => typeof v !== "boolean") ? [...new Set(x.values)].map((v) => exact(x.prop, v)) : undefined;
      case "startswith":
        return indexed.has(x.prop) ? [{ prop: x.prop, prefix: valueStem(x.value) }] : undefined;
      case "any":
        return indexed.has(x.prop) ? [exact(x.prop, x.value)] : undefined;
      case "ne":
        return undefined;
    }
  };
  const ranges = walk(e);
  if (!ranges) return undefined;
  // The same range twice (`a eq 'x' or a eq 'x'`) would be read twice for nothing.
  const unique = [...new Map(ranges.map((r) => [`${r.prop}\u0000${r.prefix}`, r])).values()];
  return unique.length <= MAX_RANGES ? unique : undefined;
}
