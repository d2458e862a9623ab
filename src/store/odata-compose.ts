/**
 * Joins clauses that were each built with the SDK's `odata` tag (so every
 * value in them is already escaped). The only place filters are combined;
 * no raw value ever passes through here.
 */
export function allOf(...clauses: ReadonlyArray<string | undefined | false>): string {
  return clauses.filter((c): c is string => typeof c === "string" && c !== "").map((c) => `(${c})`).join(" and ");
}

export function anyOf(clauses: readonly string[]): string {
  return clauses.map((c) => `(${c})`).join(" or ");
}
