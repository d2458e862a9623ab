/**
 * The storage of one Azurite entity table, keyed by PartitionKey then RowKey.
 * It stands in for the lokijs collection that LokiTableMetadataStore.js
 * creates per table and implements exactly what that file calls on it
 * (findOne by both keys, insert, remove, update); anything else throws, so
 * an Azurite that starts using the collection differently fails loudly.
 */

/** The part of Azurite's persisted entity (its `Entity` model) the index reads. */
export interface EntityDoc {
  readonly PartitionKey: string;
  readonly RowKey: string;
}

/** Azurite's sort in queryTableEntities: JS string comparison (UTF-16 code units). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First index whose key is >= `key` in an ascending array. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A map's keys in ascending order, sorted on first read. Keys added later
 * queue and are merged in at the next read (a bulk load costs one sort, not
 * a splice per key); removed keys stay in the array until then, so readers
 * check the map. A key removed and added back (Azurite's replace is remove +
 * insert) revives in place.
 */
export class KeyOrder {
  #sorted: string[] | undefined;
  #pending: string[] = [];
  #dead = 0;
  readonly #live: ReadonlyMap<string, unknown>;

  constructor(live: ReadonlyMap<string, unknown>) {
    this.#live = live;
  }

  added(key: string): void {
    const sorted = this.#sorted;
    if (sorted === undefined) return;
    if (sorted[lowerBound(sorted, key)] === key) this.#dead = Math.max(0, this.#dead - 1);
    else this.#pending.push(key);
  }

  removed(): void {
    if (this.#sorted !== undefined) this.#dead++;
  }

  /** Ascending keys; may hold keys no longer in the map. */
  keys(): readonly string[] {
    const sorted = this.#sorted;
    if (sorted === undefined) {
      this.#reset(Array.from(this.#live.keys()).sort(compareKeys));
    } else if (this.#pending.length > 0 || (this.#dead > 64 && this.#dead * 2 > sorted.length)) {
      this.#reset(this.#merge(sorted, this.#pending.sort(compareKeys)));
    }
    return this.#sorted as string[];
  }

  #reset(sorted: string[]): void {
    this.#sorted = sorted;
    this.#pending = [];
    this.#dead = 0;
  }

  /** Both inputs ascending; drops duplicates and keys no longer live. */
  #merge(a: readonly string[], b: readonly string[]): string[] {
    const out: string[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const x = a[i];
      const y = b[j];
      let k: string;
      if (y === undefined || (x !== undefined && x <= y)) {
        k = x as string;
        i++;
      } else {
        k = y;
        j++;
      }
      if (out[out.length - 1] !== k && this.#live.has(k)) out.push(k);
    }
    return out;
  }
}

interface Partition {
  readonly rows: Map<string, EntityDoc>;
  readonly order: KeyOrder;
}

/** Where a scan starts and stops; every bound is inclusive and only narrows the walk. */
export interface ScanRange {
  /** Only this partition. */
  readonly partitionKey?: string;
  /** Start at the first partition >= this one. */
  readonly fromPartitionKey?: string;
  /** In the partition `fromPartitionKey`, start at the first RowKey >= this one. */
  readonly fromRowKey?: string;
  /** In every partition, RowKeys within these bounds. */
  readonly rowKeyMin?: string;
  readonly rowKeyMax?: string;
}

function isKey(value: unknown): value is string {
  return typeof value === "string";
}

/** The key of a document Azurite hands over; both keys are strings (TableHandler checks them). */
function keysOf(doc: unknown): [string, string] {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error("KeyedCollection: expected one entity document");
  const { PartitionKey: pk, RowKey: rk } = doc as Record<string, unknown>;
  if (!isKey(pk) || !isKey(rk)) throw new Error("KeyedCollection: an entity document needs string PartitionKey and RowKey");
  return [pk, rk];
}

export class KeyedCollection {
  readonly name: string;
  readonly #partitions = new Map<string, Partition>();
  readonly #partitionOrder = new KeyOrder(this.#partitions);

  constructor(name: string) {
    this.name = name;
  }

  /** Only `{ PartitionKey, RowKey }`, the one query shape LokiTableMetadataStore.js sends; null when absent, as lokijs answers. */
  findOne(query: unknown): EntityDoc | null {
    if (typeof query !== "object" || query === null) throw new Error("KeyedCollection.findOne: expected a query object");
    const names = Object.keys(query);
    if (names.length !== 2 || !names.includes("PartitionKey") || !names.includes("RowKey")) {
      throw new Error(`KeyedCollection.findOne: only { PartitionKey, RowKey } is supported, got { ${names.join(", ")} }`);
    }
    const [pk, rk] = keysOf(query);
    return this.#partitions.get(pk)?.rows.get(rk) ?? null;
  }

  /** Azurite looks a key up before inserting it; a second document under one key is a bug, so it throws. */
  insert(doc: EntityDoc): EntityDoc {
    const [pk, rk] = keysOf(doc);
    let partition = this.#partitions.get(pk);
    if (partition === undefined) {
      const rows = new Map<string, EntityDoc>();
      partition = { rows, order: new KeyOrder(rows) };
      this.#partitions.set(pk, partition);
      this.#partitionOrder.added(pk);
    }
    if (partition.rows.has(rk)) throw new Error("KeyedCollection.insert: an entity with this PartitionKey and RowKey is already stored");
    partition.rows.set(rk, doc);
    partition.order.added(rk);
    return doc;
  }

  /** By key. A document not stored is left alone and answers null, as lokijs's remove does. */
  remove(doc: EntityDoc): EntityDoc | null {
    const [pk, rk] = keysOf(doc);
    const partition = this.#partitions.get(pk);
    if (partition === undefined || !partition.rows.delete(rk)) return null;
    partition.order.removed();
    if (partition.rows.size === 0) {
      this.#partitions.delete(pk);
      this.#partitionOrder.removed();
    }
    return doc;
  }

  /** Replaces the stored document with the same key (Azurite's merge hands a new object); throws when none is stored, as lokijs does. */
  update(doc: EntityDoc): EntityDoc {
    const [pk, rk] = keysOf(doc);
    const rows = this.#partitions.get(pk)?.rows;
    if (rows === undefined || !rows.has(rk)) throw new Error("KeyedCollection.update: no entity with this PartitionKey and RowKey is stored");
    rows.set(rk, doc);
    return doc;
  }

  /** lokijs's query chain; only Azurite's queryTableEntities used it, and that is replaced (azurite-index.ts). */
  chain(): never {
    throw new Error("KeyedCollection.chain: not supported; entity queries go through the index");
  }

  /** Documents in (PartitionKey, RowKey) order within `range`. */
  *scan(range: ScanRange): Generator<EntityDoc> {
    const pin = range.partitionKey;
    const partitionKeys = pin === undefined ? this.#partitionOrder.keys() : this.#partitions.has(pin) ? [pin] : [];
    const from = range.fromPartitionKey;
    for (let p = from === undefined || pin !== undefined ? 0 : lowerBound(partitionKeys, from); p < partitionKeys.length; p++) {
      const pk = partitionKeys[p] as string;
      const partition = this.#partitions.get(pk);
      if (partition === undefined) continue;
      let min = range.rowKeyMin;
      if (range.fromRowKey !== undefined && pk === from && (min === undefined || range.fromRowKey > min)) min = range.fromRowKey;
      const rowKeys = partition.order.keys();
      const max = range.rowKeyMax;
      for (let r = min === undefined ? 0 : lowerBound(rowKeys, min); r < rowKeys.length; r++) {
        const rk = rowKeys[r] as string;
        if (max !== undefined && rk > max) break;
        const doc = partition.rows.get(rk);
        if (doc !== undefined) yield doc;
      }
    }
  }
}
