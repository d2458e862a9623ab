import { TABLE_NAMES } from "../../../src/store/tables.js";
import type { FakeTableKind } from "./table-transport.js";

/** The role (Objects, Members, …) of a physical table name. */
export function roleOf(table: string): string {
  return TABLE_NAMES.find((n) => table.endsWith(n)) ?? table;
}

/**
 * With `index`, the Objects table keeps its keys, content hashes and data, and the
 * Members table its keys (a delta run needs them); without, Objects keeps a
 * row count per partition and Members nothing (a full run into an empty
 * store reads neither). Previews are dropped; the bookkeeping tables kept.
 */
export const fakeKind =
  (index: boolean) =>
  (table: string): FakeTableKind => {
    const role = roleOf(table);
    // The delta run's index keeps the objects' data too: a delta round merges over it.
    if (role === "Objects") return index ? { kind: "keys", field: "hash", keepData: true } : { kind: "count" };
    if (role === "Members") return index ? { kind: "keys", field: "memberType" } : { kind: "drop" };
    if (role === "Previews") return { kind: "drop" };
    // The change feed is written, never read back during a sync: counted, not kept.
    if (role === "ChangeFeed") return { kind: "drop" };
    return { kind: "store" };
  };
