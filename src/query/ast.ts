/** A parsed `?filter=`: the documented OData subset (README, "Querying the copy"). */

export type Literal = string | boolean | null;

/** `at` is the 0-based character position of the comparison, for error messages. */
export type Expr =
  | { readonly kind: "and" | "or"; readonly items: readonly Expr[] }
  | { readonly kind: "eq" | "ne"; readonly prop: string; readonly value: Literal; readonly at: number }
  | { readonly kind: "in"; readonly prop: string; readonly values: readonly Literal[]; readonly at: number }
  | { readonly kind: "startswith"; readonly prop: string; readonly value: string; readonly at: number }
  /** `prop/any(x: x eq 'v')` on a string collection. */
  | { readonly kind: "any"; readonly prop: string; readonly value: string; readonly at: number };

export type Comparison = Exclude<Expr, { kind: "and" | "or" }>;

/** A filter the caller got wrong: where, and what. */
export class FilterError extends Error {
  constructor(
    readonly code: "InvalidFilter" | "PropertyNotQueryable",
    message: string,
  ) {
    super(message);
    this.name = "FilterError";
  }
}
