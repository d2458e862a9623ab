/**
 * Azurite's in-memory table store, indexed. LokiTableMetadataStore.js keeps
 * each table in one lokijs collection: every write scans a partition and
 * splices table-sized index arrays, every query filters and sorts the whole
 * table. This swaps the storage of entity tables for a KeyedCollection and
 * serves queryTableEntities from it, with Azurite's own filter interpreter,
 * continuation coding and $top handling, so answers stay Azurite's and costs
 * become those of keyed lookups and partition range scans.
 */
import { createRequire } from "node:module";
import { type EntityDoc, KeyedCollection, type ScanRange } from "./azurite-keyed-collection.js";

interface QueryOptions {
  readonly filter?: string;
  readonly top?: number;
}

type QueryAnswer = [EntityDoc[], string | undefined, string | undefined];

interface LokiDb {
  readonly collections: { readonly name: string }[];
  addCollection(name: string, options?: object): unknown;
}

/** The members of LokiTableMetadataStore (azurite/dist/src/table/persistence/LokiTableMetadataStore.js) used here. */
export interface LokiTableMetadataStore {
  readonly TABLES_COLLECTION: string;
  readonly SERVICES_COLLECTION: string;
  readonly db: LokiDb;
  queryTableEntities(context: unknown, account: string, table: string, queryOptions: QueryOptions, nextPartitionKey?: string, nextRowKey?: string): Promise<QueryAnswer>;
  getEntityCollection(account: string, table: string, context: unknown): unknown;
  getMaxResultsOption(queryOptions: QueryOptions): number;
  decodeContinuationHeader(input: string | undefined): string | undefined;
  adjustQueryResultforTop(result: EntityDoc[], maxResults: number): { nextPartitionKeyResponse?: string; nextRowKeyResponse?: string };
}

type NodeClass = abstract new (...args: never[]) => object;
interface BinaryNode {
  readonly left: unknown;
  readonly right: unknown;
}

const require = createRequire(import.meta.url);
const persistence = "azurite/dist/src/table/persistence/";
const loadDefault = <T>(path: string): T => (require(`${persistence}${path}`) as { default: T }).default;

const generator = loadDefault<{ generateQueryForPersistenceLayer(q: QueryOptions, context: unknown): (e: EntityDoc) => boolean }>("LokiTableStoreQueryGenerator.js");
const parseQuery = loadDefault<(query: string) => unknown>("QueryInterpreter/QueryParser.js");
const node = (name: string): NodeClass => loadDefault<NodeClass>(`QueryInterpreter/QueryNodes/${name}.js`);
const [AndNode, IdentifierNode, ConstantNode] = [node("AndNode"), node("IdentifierNode"), node("ConstantNode")];
type Op = "eq" | "ge" | "gt" | "le" | "lt";
const comparisons: readonly [NodeClass, Op, Op][] = [
  // [class, operator as written, operator with the operands swapped]
  [node("EqualsNode"), "eq", "eq"],
  [node("GreaterThanEqualNode"), "ge", "le"],
  [node("GreaterThanNode"), "gt", "lt"],
  [node("LessThanEqualNode"), "le", "ge"],
  [node("LessThanNode"), "lt", "gt"],
];

/** `identifier op 'string'` (either order), the only shape whose meaning on a key is plain JS string comparison. */
function keyComparison(n: unknown): { key: string; op: Op; value: string } | undefined {
  const hit = comparisons.find(([cls]) => n instanceof cls);
  if (hit === undefined) return undefined;
  const { left, right } = n as BinaryNode;
  const idOf = (x: unknown) => (x instanceof IdentifierNode ? (x as { identifier: unknown }).identifier : undefined);
  const strOf = (x: unknown) => (x instanceof ConstantNode && typeof (x as { value: unknown }).value === "string" ? ((x as { value: string }).value) : undefined);
  const [id, value, op] = idOf(left) !== undefined ? [idOf(left), strOf(right), hit[1]] : [idOf(right), strOf(left), hit[2]];
  return typeof id === "string" && value !== undefined ? { key: id, op, value } : undefined;
}

/**
 * Bounds implied by the filter's top-level `and` chain, read off Azurite's
 * own parse tree: PartitionKey pinned by `eq`, RowKey narrowed by
 * eq/ge/gt/le/lt. Only narrows where rows are looked for; every row visited
 * is still judged by Azurite's filter.
 */
export function keyBounds(filter: string | undefined): Pick<ScanRange, "partitionKey" | "rowKeyMin" | "rowKeyMax"> {
  if (filter === undefined || filter === "" || filter === "true" || filter === "false") return {};
  let tree: unknown;
  try {
    tree = parseQuery(filter);
  } catch {
    return {};
  }
  const conjuncts: unknown[] = [];
  const flatten = (n: unknown): void => {
    if (n instanceof AndNode) {
      flatten((n as BinaryNode).left);
      flatten((n as BinaryNode).right);
    } else conjuncts.push(n);
  };
  flatten(tree);
  let partitionKey: string | undefined;
  let rowKeyMin: string | undefined;
  let rowKeyMax: string | undefined;
  for (const c of conjuncts) {
    const k = keyComparison(c);
    if (k === undefined) continue;
    if (k.key === "PartitionKey" && k.op === "eq") partitionKey ??= k.value;
    if (k.key !== "RowKey") continue;
    if (k.op !== "le" && k.op !== "lt" && (rowKeyMin === undefined || k.value > rowKeyMin)) rowKeyMin = k.value;
    if (k.op !== "ge" && k.op !== "gt" && (rowKeyMax === undefined || k.value < rowKeyMax)) rowKeyMax = k.value;
  }
  return { partitionKey, rowKeyMin, rowKeyMax };
}

/** Azurite's continuation predicate in queryTableEntities, verbatim in effect. */
function continuationFilter(nextPk: string | undefined, nextRk: string | undefined): (d: EntityDoc) => boolean {
  return (data) => {
    if (nextPk !== undefined && data.PartitionKey > nextPk) return true;
    if (nextRk !== undefined) return data.RowKey >= nextRk && (data.PartitionKey === nextPk || data.PartitionKey === undefined);
    if (nextPk !== undefined && data.PartitionKey < nextPk) return false;
    return true;
  };
}

function queryTableEntities(store: LokiTableMetadataStore, context: unknown, account: string, table: string, queryOptions: QueryOptions, nextPartitionKey?: string, nextRowKey?: string): QueryAnswer {
  const collection = store.getEntityCollection(account, table, context);
  if (!(collection instanceof KeyedCollection)) throw new Error(`azurite-index: table ${table} is not indexed`);
  const queryWhere = generator.generateQueryForPersistenceLayer(queryOptions, context);
  const maxResults = store.getMaxResultsOption(queryOptions);
  const nextPk = store.decodeContinuationHeader(nextPartitionKey);
  const nextRk = store.decodeContinuationHeader(nextRowKey);
  const continues = continuationFilter(nextPk, nextRk);
  const rows = collection.scan({ ...keyBounds(queryOptions.filter), fromPartitionKey: nextPk, fromRowKey: nextRk });
  // lokijs's limit(maxResults + 1) is slice(0, maxResults + 1); stop early only where that is a plain count.
  const limit = maxResults + 1;
  const early = Number.isInteger(limit) && limit > 0;
  let result: EntityDoc[] = [];
  for (const doc of rows) {
    if (queryWhere(doc) !== true || !continues(doc)) continue;
    result.push(doc);
    if (early && result.length >= limit) break;
  }
  if (!early) result = result.slice(0, limit);
  const response = store.adjustQueryResultforTop(result, maxResults);
  return [result, response.nextPartitionKeyResponse, response.nextRowKeyResponse];
}

/**
 * Installs the index on a LokiTableMetadataStore before its init() runs:
 * entity tables become KeyedCollections (found by lokijs's getCollection and
 * removeCollection, which walk db.collections by name), the tables and
 * services collections stay lokijs's, and queryTableEntities reads the index.
 */
export function indexTableStore(store: LokiTableMetadataStore): void {
  const db = store.db;
  const addCollection = db.addCollection.bind(db);
  db.addCollection = (name: string, options?: object): unknown => {
    if (name === store.TABLES_COLLECTION || name === store.SERVICES_COLLECTION) return addCollection(name, options);
    const existing = db.collections.find((c) => c.name === name);
    if (existing !== undefined) return existing;
    const collection = new KeyedCollection(name);
    db.collections.push(collection);
    return collection;
  };
  Object.defineProperty(store, "queryTableEntities", {
    // A promise, as Azurite's async method answers; a throw becomes its rejection.
    value: (context: unknown, account: string, table: string, queryOptions: QueryOptions, nextPartitionKey?: string, nextRowKey?: string) =>
      new Promise<QueryAnswer>((resolve) => resolve(queryTableEntities(store, context, account, table, queryOptions, nextPartitionKey, nextRowKey))),
    writable: true,
    configurable: true,
  });
}

/** After init(): a database loaded from a file would hold lokijs entity collections the index does not serve. */
export function assertIndexed(store: LokiTableMetadataStore): void {
  const stray = store.db.collections.filter((c) => c.name !== store.TABLES_COLLECTION && c.name !== store.SERVICES_COLLECTION && !(c instanceof KeyedCollection));
  if (stray.length > 0) throw new Error(`azurite-index: unindexed tables ${stray.map((c) => c.name).join(", ")}`);
}
