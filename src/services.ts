import type { TokenCredential } from "@azure/core-auth";
import type { Client } from "@microsoft/microsoft-graph-client";
import { resolveEndpoints, sameIdentityCloud, type Cloud, type CloudEndpoints } from "./config/clouds.js";
import { getConfig, type Config } from "./config/config.js";
import { createGraphClient } from "./graph/client.js";
import { customerCredential } from "./graph/credential.js";
import type { RetryEvents } from "./graph/retry.js";
import { SecretStore } from "./secrets/secret-store.js";
import { serviceCredential } from "./secrets/service-credential.js";
import { CredentialStore, profileCloud, type CredentialProfile } from "./store/credential-store.js";
import { AuditStore } from "./store/audit-store.js";
import { DirectoryAuditStore } from "./store/directory-audit-store.js";
import { HistoryStore } from "./store/history-store.js";
import { MemberStore } from "./store/member-store.js";
import { ObjectStore } from "./store/object-store.js";
import { PreviewStore } from "./store/preview-store.js";
import { QuotaStore } from "./store/quota-store.js";
import { SyncStateStore } from "./store/sync-state.js";
import { Tables } from "./store/tables.js";
import { TenantStore, type TenantRecord } from "./store/tenant-store.js";
import { endpointProblems } from "./tenants/endpoint-policy.js";

/** A tenant whose credential cannot be used: the admin's to fix, not a system failure. */
export class CredentialUnavailable extends Error {
  override readonly name = "CredentialUnavailable";
}

/**
 * The composition root: what every trigger needs, built once from the
 * config. Nothing here holds a secret longer than one call.
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

  /**
   * The hosts a tenant's secret and tokens go to. Checked at every use, not
   * only when saved: a stored override the policy no longer allows (or a
   * profile of another cloud) sends nothing.
   */
  endpointsOf(t: Pick<TenantRecord, "cloud" | "endpoints">, profile?: Pick<CredentialProfile, "cloud">): CloudEndpoints {
    const problem = endpointProblems(t.cloud, t.endpoints, this.config.endpointAllowedHosts)[0];
    if (problem) throw new CredentialUnavailable(`endpoints.${problem.field} ${problem.message}`);
    if (profile && !sameIdentityCloud(profileCloud(profile), t.cloud)) throw new CredentialUnavailable(cloudMismatch(profileCloud(profile), t.cloud));
    return resolveEndpoints(t.cloud, t.endpoints ?? undefined, this.config.cloudOverride);
  }

  /** The tenant's customer credential, its secret fetched from Key Vault for this call only. */
  async customerCredentialOf(t: TenantRecord): Promise<TokenCredential> {
    const profile = await this.credentials.get(t.credentialId);
    if (!profile) throw new CredentialUnavailable(`credential profile ${t.credentialId} of tenant ${t.id} is missing`);
    const secret = await this.secrets.get(profile.value.secretName);
    if (!secret) throw new CredentialUnavailable(`the client secret of credential profile ${t.credentialId} is missing from Key Vault`);
    const endpoints = this.endpointsOf(t, profile.value);
    return customerCredential({ tenantId: t.id, clientId: profile.value.clientId, clientSecret: secret.value }, endpoints);
  }

  async graphFor(t: TenantRecord, events?: RetryEvents): Promise<Client> {
    const credential = await this.customerCredentialOf(t);
    return createGraphClient(credential, this.endpointsOf(t), events ? { events } : {});
  }
}

/** An app registration signs in only in its own cloud (concepts/deployments.md: apps are registered per national cloud). */
export const cloudMismatch = (profile: Cloud, tenant: Cloud): string =>
  `the credential profile belongs to cloud ${profile}; a tenant of cloud ${tenant} cannot use it (register the app in that cloud)`;

let shared: Services | undefined;

/** The process-wide services, built on first use. */
export function getServices(): Services {
  shared ??= new Services(getConfig());
  return shared;
}
