import type { Json } from "../domain/graph-object.js";
import type { Expr, Literal } from "./ast.js";

/**
 * Folds case one character at a time, so that folding keeps prefixes (a
 * prefix of a string folds to a prefix of its fold) for index ranges. An
 * ASCII string folds the same whole (the context rules of toLowerCase, the
 * final sigma, are outside ASCII: ECMA-262 String.prototype.toLowerCase), and
 * most are ASCII, so they skip the per-character walk, which was 2% of a
 * full sync's CPU (README, "Benchmark").
 */
// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const ASCII = /^[\u0000-\u007f]*$/;
export const fold = (s: string): string => (ASCII.test(s) ? s.toLowerCase() : Array.from(s, (c) => c.toLowerCase()).join(""));

const equals = (v: Json | undefined, lit: Literal): boolean => {
  if (lit === null) return v === null || v === undefined;
  if (typeof lit === "string") return typeof v === "string" && fold(v) === fold(lit);
  return v === lit;
};

/**
 * The filter over one stored object: the exact answer, whatever an index
 * read. Strings compare ignoring case. A missing property is null; `ne`
 * is the negation of `eq`, so `department ne 'x'` holds for a user with none.
 */
export function matches(e: Expr, data: Readonly<Record<string, Json>>): boolean {
  switch (e.kind) {
    case "and":
      return e.items.every((i) => matches(i, data));
    case "or":
      return e.items.some((i) => matches(i, data));
    case "eq":
      return equals(data[e.prop], e.value);
    case "ne":
      return !equals(data[e.prop], e.value);
    case "in":
      return e.values.some((v) => equals(data[e.prop], v));
    case "startswith": {
      const v = data[e.prop];
      return typeof v === "string" && fold(v).startsWith(fold(e.value));
    }
    case "any": {
      const v = data[e.prop];
      return Array.isArray(v) && v.some((x) => equals(x, e.value));
    }
  }
}
