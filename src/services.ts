import type { TokenCredential } from "@azure/core-auth";
import type { TableClient } from "@azure/data-tables";
import type { Client } from "@microsoft/microsoft-graph-client";
import { getConfig, type Config } from "./config/config.js";
import { graphClientOf } from "./credentials/customer.js";
import { GraphBudget } from "./graph/budget/graph-budget.js";
import type { RetryEvents } from "./graph/retry.js";
import { SecretStore } from "./secrets/secret-store.js";
import { serviceCredential } from "./secrets/service-credential.js";
import { CredentialStore } from "./store/credential-store.js";
import { AuditStore } from "./store/audit-store.js";
import { BudgetStore } from "./store/budget-store.js";
import { DirectoryAuditStore } from "./store/directory-audit-store.js";
import { HistoryStore } from "./store/history-store.js";
import { MemberStore } from "./store/member-store.js";
import { ObjectStore } from "./store/object-store.js";
import { PreviewStore } from "./store/preview-store.js";
import { QuotaStore } from "./store/quota-store.js";
import { SyncStateStore } from "./store/sync-state.js";
import { TABLE_NAMES, Tables, type TableName } from "./store/tables.js";
import { TenantStore, type TenantRecord } from "./store/tenant-store.js";

/**
 * The composition root: what every trigger needs, built once from the
 * config. A customer secret is read from Key Vault on every call; only the
 * credentials signed in with it outlive the call (src/graph/credential-cache.ts).
 */
export class Services {
  readonly tables: Tables;
  readonly secrets: SecretStore;
  readonly tenants: TenantStore;
  readonly credentials: CredentialStore;
  readonly previews: PreviewStore;
  readonly quota: QuotaStore;
  readonly audit: AuditStore;
  /** The tenants' Entra directory audit feeds (not `audit`, this API's own actions). */
  readonly directoryAudits: DirectoryAuditStore;
  readonly history: HistoryStore;
  readonly syncState: SyncStateStore;
  /** The shared Graph throttling budget; undefined when GRAPH_BUDGET_ENABLED is false. */
  readonly graphBudget: GraphBudget | undefined;
  private ensured: Promise<void> | undefined;

  constructor(
    readonly config: Config,
    identity: TokenCredential = serviceCredential(config.serviceIdentity),
  ) {
    this.tables = new Tables(config.tables, config.tablePrefix, identity);
    this.secrets = new SecretStore(config.keyVaultUrl, identity);
    this.tenants = new TenantStore(this.tables.client("Tenants"));
    this.credentials = new CredentialStore(this.tables.client("Credentials"));
    this.previews = new PreviewStore(this.tables.client("Previews"));
    this.quota = new QuotaStore(this.tables.client("Quota"));
    this.audit = new AuditStore(this.tables.client("Audit"));
    this.directoryAudits = new DirectoryAuditStore(this.tables.client("DirectoryAudits"));
    this.history = new HistoryStore(this.tables.client("History"));
    this.syncState = new SyncStateStore(this.tables.client("SyncState"));
    this.graphBudget = config.graphBudget.enabled ? new GraphBudget(new BudgetStore(this.tables.client("Budgets")), config.graphBudget) : undefined;
  }

  /** A tenant's live objects. */
  objects(tenantId: string): ObjectStore {
    return new ObjectStore(this.tables.client("Objects"), tenantId);
  }

  /** A tenant's live links. */
  members(tenantId: string): MemberStore {
    return new MemberStore(this.tables.client("Members"), tenantId);
  }

  /** A preview run's objects, under its preview key. */
  previewObjects(key: string): ObjectStore {
    return new ObjectStore(this.tables.client("Previews"), key);
  }

  /** Creates the tables once per process. */
  ready(): Promise<void> {
    this.ensured ??= this.tables.ensure();
    return this.ensured;
  }

  /** Every table with its client: an erase must reach all of them. */
  everyTable(): ReadonlyArray<{ readonly name: TableName; readonly client: TableClient }> {
    return TABLE_NAMES.map((name) => ({ name, client: this.tables.client(name) }));
  }

  /** A Graph client signed in as the tenant's customer app (src/credentials/customer.ts). */
  graphFor(t: TenantRecord, events?: RetryEvents): Promise<Client> {
    return graphClientOf(this, t, events);
  }
}

let shared: Services | undefined;

/** The process-wide services, built on first use. */
export function getServices(): Services {
  shared ??= new Services(getConfig());
  return shared;
}
