import { odata } from "@azure/data-tables";

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

/** A filter holds at most 15 discrete comparisons (Storage REST API, "Querying tables and entities"); one is the PartitionKey. */
const KEYS_PER_QUERY = 14;

/** Filters that together match these row keys of one partition, each key once. */
export function keyFilters(pk: string, rowKeys: readonly string[]): string[] {
  const unique = [...new Set(rowKeys)];
  const out: string[] = [];
  for (let i = 0; i < unique.length; i += KEYS_PER_QUERY) {
    const chunk = unique.slice(i, i + KEYS_PER_QUERY);
    out.push(allOf(odata`PartitionKey eq ${pk}`, anyOf(chunk.map((k) => odata`RowKey eq ${k}`))));
  }
  return out;
}
