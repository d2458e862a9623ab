/**
 * chevrotain 13 declares Node >= 22 and calls `Object.groupBy` (ES2024,
 * Node 21) when it analyses a grammar. Azure runs Node 22 (infra nodeVersion);
 * this fills it in on the Node 20 the root package still allows. Imported
 * before chevrotain.
 */
const obj = Object as unknown as { groupBy?: unknown };
if (typeof obj.groupBy !== "function") {
  obj.groupBy = <T>(items: Iterable<T>, keyOf: (item: T, index: number) => PropertyKey): Partial<Record<PropertyKey, T[]>> => {
    const out: Partial<Record<PropertyKey, T[]>> = Object.create(null) as Partial<Record<PropertyKey, T[]>>;
    let i = 0;
    for (const item of items) (out[keyOf(item, i++)] ??= []).push(item);
    return out;
  };
}
export {};
