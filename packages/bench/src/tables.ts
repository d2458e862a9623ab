import { TableClient } from "@azure/data-tables";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { DEV_ACCOUNT, DEV_KEY } from "../../local-host/src/azurite.js";
import { Tables, type TableName } from "../../../src/store/tables.js";
import { useBatchHttpClient } from "../../../src/store/table-batch.js";
import { countingHttpClient, zeroTableCounts, type TableCounts } from "./table-wire.js";
import { roleOf } from "./table-kinds.js";

export { roleOf } from "./table-kinds.js";

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
      useBatchHttpClient(c, this.httpClient);
      this.own.set(name, c);
    }
    return c;
  }
}

/** Where a run's table traffic goes, and its counts. */
export interface TableBackend {
  readonly kind: "fake" | "azurite";
  /** Fresh tables under a new prefix. */
  tables(prefix: string): Promise<Tables>;
  /** Counts since the last reset. */
  counts(): Promise<TableCounts>;
  reset(): Promise<void>;
  /** Object keys the fake keeps (0 for Azurite). */
  heldKeys(): Promise<number>;
}

function minus(c: TableCounts, base: TableCounts): TableCounts {
  const sub = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]));
  return {
    transactions: c.transactions - base.transactions,
    entities: c.entities - base.entities,
    batches: c.batches - base.batches,
    reads: c.reads - base.reads,
    tableCreates: c.tableCreates - base.tableCreates,
    byTable: sub(c.byTable, base.byTable),
    readsByTable: sub(c.readsByTable, base.readsByTable),
    entitiesByTable: sub(c.entitiesByTable, base.entitiesByTable),
  };
}

async function control<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`table server ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * The default: the counting table service in its own process (bench/table-server.ts),
 * reached over HTTP by the service's own Tables class (the production TableClient
 * and pipeline). Configuring it drops what it held; see table-kinds.ts for what
 * `index` keeps, and `latencyMs` delays every table request (0 by default).
 */
export async function fakeBackend(serverUrl: string, index: boolean, latencyMs = 0): Promise<TableBackend> {
  await control(`${serverUrl}/_bench/configure`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ index, latencyMs }) });
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=${serverUrl}/${DEV_ACCOUNT};`;
  const read = () => control<TableCounts>(`${serverUrl}/_bench/counts`);
  let base = zeroTableCounts();
  return {
    kind: "fake",
    async tables(prefix) {
      const t = new Tables({ kind: "connectionString", connectionString }, prefix);
      await t.ensure();
      return t;
    },
    counts: async () => minus(await read(), base),
    async reset() {
      base = await read();
    },
    heldKeys: async () => (await control<{ keys: number }>(`${serverUrl}/_bench/keys`)).keys,
  };
}

/** Real tables in Azurite, counted at the transport (in the worker: a regex count per request). */
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
    counts: () => Promise.resolve(structuredClone(counts)),
    reset() {
      counts = zeroTableCounts();
      return Promise.resolve();
    },
    heldKeys: () => Promise.resolve(0),
  };
}
