import type { Json } from "../domain/graph-object.js";
import type { ResourceModule } from "../graph/resource.js";
import { safeKey } from "../store/keys.js";
import { fold } from "./evaluate.js";

/**
 * Secondary index rows: one per indexed value of an object, PartitionKey
 * `tenant|type|ix|property`, RowKey `stem|id`, so an `eq`, `in` or
 * `startswith` is a key-range read of one partition. A stem is `v` and the
 * value folded to lower case (`n` for null or absent), made key-safe and cut
 * to STEM_CHARS characters: a cut or replaced character only widens a
 * range, and every candidate is checked against the object itself.
 * Keys hold up to 1 KiB (learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model).
 */
const STEM_CHARS = 200;

export const indexPartition = (tenantId: string, type: string, prop: string): string => `${tenantId}|${type}|ix|${prop}`;

/** Cut at STEM_CHARS code points; a string of no more code units than that is whole already. */
const text = (s: string): string => {
  const k = safeKey(fold(s));
  return k.length <= STEM_CHARS ? k : Array.from(k).slice(0, STEM_CHARS).join("");
};
export const valueStem = (s: string): string => `v${text(s)}`;
export const NULL_STEM = "n";

/** The indexed properties of a type: strings and string collections (a boolean's two ranges would each hold about half the type). */
export function indexedProps(m: ResourceModule): string[] {
  return Object.entries(m.queryable ?? {})
    .filter(([, kind]) => kind !== "boolean")
    .map(([p]) => p);
}

/** The stems an object has, per indexed property (sorted, each once). */
export function stemsOf(m: ResourceModule, data: Readonly<Record<string, Json>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of indexedProps(m)) {
    const v = data[p];
    const values = m.queryable?.[p] === "strings" ? (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []) : [v];
    const stems = values.map((x) => (typeof x === "string" ? valueStem(x) : NULL_STEM));
    out[p] = [...new Set(stems)].sort();
  }
  return out;
}

export const indexRowKey = (stem: string, id: string): string => `${stem}|${safeKey(id)}`;

/** A key range of one index partition: every RowKey that starts with `prefix`. */
export interface IndexRange {
  readonly prop: string;
  readonly prefix: string;
}

/** An object falls in a range when one of its stems does (as its index rows do). */
export const inRange = (stems: Record<string, string[]>, r: IndexRange): boolean => (stems[r.prop] ?? []).some((s) => `${s}|`.startsWith(r.prefix));
