import { TableClient } from "@azure/data-tables";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { DEV_ACCOUNT, DEV_KEY } from "../../local-host/src/azurite.js";
import { TABLE_NAMES, Tables, type TableName } from "../../../src/store/tables.js";
import { countingHttpClient, zeroTableCounts, type TableCounts } from "./table-wire.js";
import { FakeTableService, type FakeTableKind } from "./table-transport.js";

/** A connection string for the fake: never dialled, only signed against. */
const FAKE_CONNECTION = `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:9/${DEV_ACCOUNT};`;

/** Tables whose TableClients send through the given HttpClient (the service's own Tables class has no such option). */
export class BenchTables extends Tables {
  private readonly own = new Map<TableName, TableClient>();

  constructor(
    private readonly connectionString: string,
    prefix: string,
    private readonly httpClient: HttpClient,
  ) {
    super({ kind: "connectionString", connectionString }, prefix);
  }

  override client(name: TableName): TableClient {
    let c = this.own.get(name);
    if (!c) {
      c = TableClient.fromConnectionString(this.connectionString, `${this.prefix}${name}`, { allowInsecureConnection: true, httpClient: this.httpClient });
      this.own.set(name, c);
    }
    return c;
  }
}

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
const fakeKind = (index: boolean) => (table: string): FakeTableKind => {
  const role = roleOf(table);
  // The delta run's index keeps the objects' data too: a delta round merges over it.
  if (role === "Objects") return index ? { kind: "keys", field: "hash", keepData: true } : { kind: "count" };
  if (role === "Members") return index ? { kind: "keys", field: "memberType" } : { kind: "drop" };
  if (role === "Previews") return { kind: "drop" };
  // The change feed is written, never read back during a sync: counted, not kept (it would weigh on the RSS measured).
  if (role === "ChangeFeed") return { kind: "drop" };
  return { kind: "store" };
};

/** Where a run's table traffic goes, and its counts. */
export interface TableBackend {
  readonly kind: "fake" | "azurite";
  /** Fresh tables under a new prefix. */
  tables(prefix: string): Promise<BenchTables>;
  /** Counts since the last reset. */
  counts(): TableCounts;
  reset(): void;
  /** Object keys the fake keeps (0 for Azurite). */
  heldKeys(): number;
}

/**
 * The default: a transport that acknowledges and counts (see fakeKind for
 * what `index` keeps); `latencyMs` delays every table request, 0 by default.
 */
export function fakeBackend(index: boolean, latencyMs = 0): TableBackend {
  const fake = new FakeTableService(fakeKind(index), roleOf, latencyMs);
  let base = zeroTableCounts();
  const snapshot = (): TableCounts => {
    const c = fake.counts;
    const byTable: Record<string, number> = {};
    for (const [k, v] of Object.entries(c.byTable)) byTable[k] = v - (base.byTable[k] ?? 0);
    const readsByTable: Record<string, number> = {};
    for (const [k, v] of Object.entries(c.readsByTable)) readsByTable[k] = v - (base.readsByTable[k] ?? 0);
    const entitiesByTable: Record<string, number> = {};
    for (const [k, v] of Object.entries(c.entitiesByTable)) entitiesByTable[k] = v - (base.entitiesByTable[k] ?? 0);
    return {
      transactions: c.transactions - base.transactions,
      entities: c.entities - base.entities,
      batches: c.batches - base.batches,
      reads: c.reads - base.reads,
      tableCreates: c.tableCreates - base.tableCreates,
      byTable,
      readsByTable,
      entitiesByTable,
    };
  };
  const proxy: HttpClient = { sendRequest: (req) => fake.sendRequest(req) };
  return {
    kind: "fake",
    async tables(prefix) {
      const t = new BenchTables(FAKE_CONNECTION, prefix, proxy);
      await t.ensure();
      return t;
    },
    counts: snapshot,
    reset() {
      base = structuredClone(fake.counts);
    },
    heldKeys: () => fake.keyCount,
  };
}

/** Real tables in Azurite, counted at the transport. */
export function azuriteBackend(connectionString: string): TableBackend {
  let counts = zeroTableCounts();
  const client = countingHttpClient(createDefaultHttpClient(), () => counts, roleOf);
  return {
    kind: "azurite",
    async tables(prefix) {
      const t = new BenchTables(connectionString, prefix, client);
      await t.ensure();
      return t;
    },
    counts: () => structuredClone(counts),
    reset() {
      counts = zeroTableCounts();
    },
    heldKeys: () => 0,
  };
}
