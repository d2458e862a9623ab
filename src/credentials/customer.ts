import type { TokenCredential } from "@azure/core-auth";
import type { Client } from "@microsoft/microsoft-graph-client";
import type { CloudEndpoints } from "../config/clouds.js";
import { createGraphClient } from "../graph/client.js";
import { customerCredential } from "../graph/credential.js";
import { sharedCustomerCredential } from "../graph/credential-cache.js";
import type { RetryEvents } from "../graph/retry.js";
import type { Services } from "../services.js";
import type { CredentialProfile } from "../store/credential-store.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { testConnection, type ConnectionReport } from "../tenants/test-connection.js";
import { budgetOf } from "./budget-of.js";
import { CredentialUnavailable, endpointsOf } from "./endpoints.js";

type Deps = Pick<Services, "config" | "credentials" | "secrets">;

/** A profile's app and its secret, signing in to `t` through the hosts `t` may use (throws CredentialUnavailable otherwise). */
export function profileCredential(
  services: Pick<Services, "config">,
  t: Pick<TenantRecord, "id" | "cloud" | "endpoints">,
  profile: Pick<CredentialProfile, "clientId" | "cloud">,
  secret: string,
): { credential: TokenCredential; endpoints: CloudEndpoints } {
  const endpoints = endpointsOf(services.config, t, profile);
  return { credential: customerCredential({ tenantId: t.id, clientId: profile.clientId, clientSecret: secret }, endpoints), endpoints };
}

/** Signs in as the app with this secret and reports what it may read. */
export function testSecret(tenantId: string, clientId: string, secret: string, endpoints: CloudEndpoints): Promise<ConnectionReport> {
  return testConnection(customerCredential({ tenantId, clientId, clientSecret: secret }, endpoints), endpoints, tenantId);
}

/**
 * The tenant's profile and customer credential, its secret read from Key Vault
 * every time (a rotated secret is used at once). `shared`: the process's
 * credential for this app and secret (src/graph/credential-cache.ts), whose
 * token serves later calls too; else a fresh one, which signs in anew.
 */
async function signInOf(services: Deps, t: TenantRecord, shared = false): Promise<{ profile: CredentialProfile; credential: TokenCredential }> {
  const profile = await services.credentials.get(t.credentialId);
  if (!profile) throw new CredentialUnavailable(`credential profile ${t.credentialId} of tenant ${t.id} is missing`);
  const secret = await services.secrets.get(profile.value.secretName);
  if (!secret) throw new CredentialUnavailable(`the client secret of credential profile ${t.credentialId} is missing from Key Vault`);
  if (!shared) return { profile: profile.value, credential: profileCredential(services, t, profile.value, secret.value).credential };
  const app = { tenantId: t.id, clientId: profile.value.clientId, clientSecret: secret.value };
  return { profile: profile.value, credential: sharedCustomerCredential(app, endpointsOf(services.config, t, profile.value)) };
}

/** The tenant's customer credential, its secret fetched from Key Vault for this call only. */
export async function customerCredentialOf(services: Deps, t: TenantRecord): Promise<TokenCredential> {
  return (await signInOf(services, t)).credential;
}

/**
 * A Graph client signed in as the tenant's customer app, drawing from its
 * app's throttling budget. The sync's path: its credential is shared, so a
 * run's activities share one token. A token's roles are fixed when it is
 * issued, so a consent granted since shows at the next token; the other paths
 * (provisioning, the expiry check, tests of a secret) sign in fresh.
 */
export async function graphClientOf(services: Deps & Pick<Services, "graphBudget" | "history">, t: TenantRecord, events?: RetryEvents): Promise<Client> {
  const { profile, credential } = await signInOf(services, t, true);
  const budget = await budgetOf(services, t.id, profile.clientId);
  return createGraphClient(credential, endpointsOf(services.config, t), { ...(events ? { events } : {}), ...(budget ? { budget } : {}) });
}

/**
 * Tests the tenant's saved profile against `t`'s endpoints: undefined when
 * the profile or its secret is missing; throws CredentialUnavailable when
 * the endpoints or the profile's cloud may not be used.
 */
export async function testSavedCredential(services: Deps, t: TenantRecord, profile: CredentialProfile | undefined): Promise<ConnectionReport | undefined> {
  const secret = profile && (await services.secrets.get(profile.secretName));
  if (!profile || !secret) return undefined;
  const endpoints = endpointsOf(services.config, t, profile);
  return testSecret(t.id, profile.clientId, secret.value, endpoints);
}
