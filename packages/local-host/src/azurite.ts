import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { assertIndexed, indexTableStore, type LokiTableMetadataStore } from "./azurite-index.js";

/** Azurite's well-known development account; public by design, not a secret. */
export const DEV_ACCOUNT = "devstoreaccount1";
export const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface RunningAzurite {
  readonly tableUrl: string;
  readonly connectionString: string;
  stop(): Promise<void>;
}

interface AzuriteTableServer {
  start(): Promise<void>;
  close(): Promise<void>;
  clean(): Promise<void>;
  getHttpServerAddress(): string;
  httpServer: { address(): AddressInfo | string | null };
  metadataStore: LokiTableMetadataStore;
}

export interface AzuriteOptions {
  /** Azurite's own lokijs entity storage, unindexed; only for a test comparing answers. */
  readonly unindexed?: boolean;
}

type TableConfigurationCtor = new (...args: unknown[]) => object;
type TableServerCtor = new (config: object) => AzuriteTableServer;

/**
 * Azurite's table service in this process, in memory. Deep imports: the
 * package's main entry needs `vscode`; telemetry is never initialised here.
 */
export async function startAzurite(port = 0, options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const require = createRequire(import.meta.url);
  const TableConfiguration = (require("azurite/dist/src/table/TableConfiguration.js") as { default: TableConfigurationCtor }).default;
  const TableServer = (require("azurite/dist/src/table/TableServer.js") as { default: TableServerCtor }).default;
  // Positional: host, port, keepAlive, dbPath, debugLog, accessLog, accessStream, debugPath,
  // loose, skipApiVersionCheck, cert, key, pwd, oauth, disableProductStyleUrl, inMemory.
  const config = new TableConfiguration("127.0.0.1", port, 5, ".local/azurite-unused.json", false, false, undefined, undefined, true, true, "", "", "", undefined, false, true);
  const server = new TableServer(config);
  // LokiTableMetadataStore.js scans a partition per write and the whole table per query;
  // the index gives the real service's keyed lookups and range scans, with Azurite's semantics.
  if (!options.unindexed) indexTableStore(server.metadataStore);
  await server.start();
  if (!options.unindexed) assertIndexed(server.metadataStore);
  const address = server.httpServer.address();
  const actual = typeof address === "object" && address ? address.port : port;
  const tableUrl = `http://127.0.0.1:${actual}/${DEV_ACCOUNT}`;
  return {
    tableUrl,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=${tableUrl};`,
    async stop() {
      await server.close();
      await server.clean();
    },
  };
}
