import { TableClient, TableServiceClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/core-auth";
import type { TableAccess } from "../config/config.js";

/** Every table the service keeps, by role; the physical name is the configured prefix plus this. */
export const TABLE_NAMES = [
  "Tenants",
  "Credentials",
  "Objects",
  "Members",
  "SyncState",
  "Held",
  "History",
  "Quota",
  "Previews",
  "Audit",
  "DirectoryAudits",
  "Subscriptions",
  "ChangeFeed",
  "Budgets",
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** TableClients for one storage account and prefix. */
export class Tables {
  private readonly clients = new Map<TableName, TableClient>();

  constructor(
    private readonly access: TableAccess,
    readonly prefix: string,
    private readonly credential?: TokenCredential,
  ) {}

  client(name: TableName): TableClient {
    let c = this.clients.get(name);
    if (!c) {
      const table = `${this.prefix}${name}`;
      if (this.access.kind === "connectionString") {
        c = TableClient.fromConnectionString(this.access.connectionString, table, { allowInsecureConnection: true });
      } else {
        if (!this.credential) throw new Error("identity-based table access needs a credential");
        c = new TableClient(this.access.tableServiceUri, table, this.credential);
      }
      this.clients.set(name, c);
    }
    return c;
  }

  /** Creates missing tables; an existing table is success (409 is swallowed by the SDK). */
  async ensure(): Promise<void> {
    await Promise.all(TABLE_NAMES.map((n) => this.client(n).createTable()));
  }

  service(): TableServiceClient {
    if (this.access.kind === "connectionString") {
      return TableServiceClient.fromConnectionString(this.access.connectionString, { allowInsecureConnection: true });
    }
    if (!this.credential) throw new Error("identity-based table access needs a credential");
    return new TableServiceClient(this.access.tableServiceUri, this.credential);
  }
}
