import type { QueryableKind, ResourceModule } from "../graph/resource.js";
import { FilterError, type Comparison, type Expr, type Literal } from "./ast.js";

/** Bounds on one filter, so a query's cost stays predictable. */
export const MAX_COMPARISONS = 20;
export const MAX_IN_VALUES = 50;

const describe = (v: Literal): string => (v === null ? "null" : typeof v === "string" ? "a string" : "a boolean");

/**
 * Checks a parsed filter against the type's queryable properties: every name
 * is one of them (matched ignoring case, answered under its own spelling),
 * and every operator and literal fits the property's kind. Returns the filter
 * with canonical names.
 */
export function checkFilter(m: ResourceModule, expr: Expr): Expr {
  const props = Object.entries(m.queryable ?? {});
  let comparisons = 0;
  const resolve = (c: Comparison): [string, QueryableKind] => {
    const hit = props.find(([p]) => p.toLowerCase() === c.prop.toLowerCase());
    if (!hit) {
      const list = props.length > 0 ? `; ${m.type} can be filtered on ${props.map(([p]) => p).join(", ")}` : `; ${m.type} has no queryable properties`;
      throw new FilterError("PropertyNotQueryable", `Property '${c.prop}' at position ${c.at} is not queryable${list}.`);
    }
    return hit;
  };
  const wrong = (c: Comparison, prop: string, kind: QueryableKind, what: string): FilterError =>
    new FilterError("InvalidFilter", `At position ${c.at}: '${prop}' is ${kind === "strings" ? "a string collection" : `a ${kind}`} and cannot take ${what}.`);
  const literalFits = (kind: QueryableKind, v: Literal): boolean => v === null || (kind === "string" ? typeof v === "string" : typeof v === "boolean");
  const walk = (x: Expr): Expr => {
    if ("items" in x) return { kind: x.kind, items: x.items.map(walk) };
    const e: Comparison = x;
    if (++comparisons > MAX_COMPARISONS) throw new FilterError("InvalidFilter", `At position ${e.at}: a filter holds at most ${MAX_COMPARISONS} comparisons.`);
    const [prop, kind] = resolve(e);
    switch (e.kind) {
      case "eq":
      case "ne":
        if (kind === "strings") throw wrong(e, prop, kind, `'${e.kind}' (use ${prop}/any(x: x eq '…'))`);
        if (!literalFits(kind, e.value)) throw wrong(e, prop, kind, describe(e.value));
        return { ...e, prop };
      case "in":
        if (kind === "strings") throw wrong(e, prop, kind, "'in'");
        if (e.values.length > MAX_IN_VALUES) throw new FilterError("InvalidFilter", `At position ${e.at}: 'in' takes at most ${MAX_IN_VALUES} values.`);
        for (const v of e.values) if (!literalFits(kind, v)) throw wrong(e, prop, kind, describe(v));
        return { ...e, prop };
      case "startswith":
        if (kind !== "string") throw wrong(e, prop, kind, "'startswith'");
        return { ...e, prop };
      case "any":
        if (kind !== "strings") throw wrong(e, prop, kind, "'any'");
        return { ...e, prop };
    }
  };
  return walk(expr);
}
