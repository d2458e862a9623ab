import type { ResourceModule } from "../graph/resource.js";
import { RESOURCES } from "../graph/resources/index.js";
import { RequestError } from "../api/errors.js";
import { FilterError, type Expr } from "./ast.js";
import { checkFilter } from "./check.js";
import { parseFilter } from "./parser.js";

/**
 * `?filter=` of one type, parsed and checked, or a 400: `InvalidFilter`
 * naming the position, `PropertyNotQueryable` naming the property, or
 * `FilterNotSupported` for a type that takes no filter (links and feeds).
 */
export function filterFor(type: string, text: string): { m: ResourceModule; expr: Expr } {
  const m = RESOURCES.find((r) => r.type === type && r.queryable !== undefined && (r.mode === "delta" || r.mode === "list"));
  if (!m) {
    const which = RESOURCES.filter((r) => r.queryable).map((r) => r.type).join(", ");
    throw new RequestError(400, "FilterNotSupported", `'${type}' takes no filter; these types do: ${which}.`);
  }
  try {
    return { m, expr: checkFilter(m, parseFilter(text)) };
  } catch (err) {
    if (err instanceof FilterError) throw new RequestError(400, err.code, err.message);
    throw err;
  }
}
