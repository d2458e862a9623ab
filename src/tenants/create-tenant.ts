import { randomUUID } from "node:crypto";
import { customerCredential } from "../graph/credential.js";
import { defaultTypesFor } from "../graph/resources/index.js";
import { nextRunAfter } from "../schedule/next-run.js";
import { DEFAULT_SCHEDULE } from "../schedule/schema.js";
import type { Services } from "../services.js";
import type { CloudEndpoints } from "../config/clouds.js";
import { sameIdentityCloud } from "../config/clouds.js";
import { cloudMismatch } from "../services.js";
import { profileCloud, type CredentialProfile } from "../store/credential-store.js";
import { releaseProfile, reserveProfile } from "./credential-use.js";
import { endpointProblems, type EndpointProblem } from "./endpoint-policy.js";
import { eraseTenantRows } from "./erase-tenant.js";
import type { TenantRecord } from "../store/tenant-store.js";
import type { AadstsError } from "./aadsts.js";
import { isGuid, resolveTenantId } from "./resolve-tenant.js";
import type { NewTenant } from "./schema.js";
import { testConnection, type ConnectionReport } from "./test-connection.js";

export type CreateResult =
  | { readonly kind: "created"; readonly tenant: TenantRecord; readonly report: ConnectionReport }
  | { readonly kind: "exists"; readonly tenantId: string }
  | { readonly kind: "credentialNotFound"; readonly credentialId: string }
  | { readonly kind: "credentialCloud"; readonly message: string }
  | { readonly kind: "endpointRefused"; readonly problems: readonly EndpointProblem[] }
  | { readonly kind: "tenantNotFound"; readonly error: AadstsError }
  | { readonly kind: "connectionFailed"; readonly report: ConnectionReport };

export const secretNameOf = (credentialId: string): string => `cred-${credentialId}`;

/**
 * Adds a tenant: resolves a domain to its GUID, tests the connection, and
 * only then writes anything. The secret goes to Key Vault, never a table.
 */
export async function createTenant(services: Services, input: NewTenant, now: () => number = Date.now): Promise<CreateResult> {
  await services.ready();
  // Before anything goes out: not even the discovery request may reach a host the policy refuses.
  const problems = endpointProblems(input.cloud, input.endpoints, services.config.endpointAllowedHosts);
  if (problems.length > 0) return { kind: "endpointRefused", problems };
  const endpoints = services.endpointsOf({ cloud: input.cloud, endpoints: input.endpoints ?? null });
  let tenantId: string;
  if (isGuid(input.tenant)) tenantId = input.tenant.toLowerCase();
  else {
    const r = await resolveTenantId(endpoints.authorityHost, input.tenant);
    if ("error" in r) return { kind: "tenantNotFound", error: r.error };
    tenantId = r.tenantId;
  }
  if (await services.tenants.get(tenantId)) return { kind: "exists", tenantId };

  let clientId: string;
  let secret: string;
  let profile: CredentialProfile | undefined;
  if ("credentialId" in input.credential) {
    const id = input.credential.credentialId.toLowerCase();
    const seen = await services.credentials.get(id);
    if (!seen) return { kind: "credentialNotFound", credentialId: input.credential.credentialId };
    // The profile's secret goes to its own cloud only; checked before the reservation or any request.
    if (!sameIdentityCloud(profileCloud(seen.value), input.cloud)) return { kind: "credentialCloud", message: cloudMismatch(profileCloud(seen.value), input.cloud) };
    // Held against a concurrent DELETE /credentials/{id} until the tenant row names it.
    const p = await reserveProfile(services, id, now());
    const s = p && (await services.secrets.get(p.value.secretName));
    if (!p || !s) return { kind: "credentialNotFound", credentialId: input.credential.credentialId };
    profile = p.value;
    clientId = p.value.clientId;
    secret = s.value;
  } else {
    clientId = input.credential.clientId;
    secret = input.credential.clientSecret;
  }

  const attached = await attach(services, input, tenantId, clientId, secret, endpoints, profile, now);
  if (profile) await releaseProfile(services, profile);
  return attached;
}

async function attach(
  services: Services,
  input: NewTenant,
  tenantId: string,
  clientId: string,
  secret: string,
  endpoints: CloudEndpoints,
  profile: CredentialProfile | undefined,
  now: () => number,
): Promise<CreateResult> {
  const report = await testConnection(customerCredential({ tenantId, clientId, clientSecret: secret }, endpoints), endpoints, tenantId);
  if (!report.ok) return { kind: "connectionFailed", report };

  const at = new Date(now()).toISOString();
  let createdProfile: CredentialProfile | undefined;
  if (!profile && !("credentialId" in input.credential)) {
    const id = randomUUID();
    createdProfile = {
      id,
      name: `${input.displayName ?? report.tenantName ?? tenantId} (inline)`,
      clientId,
      cloud: input.cloud,
      secretName: secretNameOf(id),
      secretExpiresOn: new Date(input.credential.secretExpiresOn).toISOString(),
      inline: true,
      createdAt: at,
      updatedAt: at,
    };
    await services.secrets.put(createdProfile.secretName, secret, new Date(createdProfile.secretExpiresOn));
    await services.credentials.create(createdProfile);
  }
  const credentialId = profile?.id ?? createdProfile!.id;
  const schedule = input.schedule ?? DEFAULT_SCHEDULE;
  const enabled = input.enabled ?? true;
  const next = enabled ? nextRunAfter(schedule, new Date(now())) : null;
  const tenant: TenantRecord = {
    id: tenantId,
    displayName: input.displayName ?? report.tenantName ?? input.tenant,
    cloud: input.cloud,
    domain: isGuid(input.tenant) ? (report.verifiedDomains[0] ?? null) : input.tenant.toLowerCase(),
    enabled,
    credentialId,
    objectTypes: input.objectTypes ?? defaultTypesFor(input.cloud),
    schedule,
    filters: input.filters ?? {},
    deletionThreshold: input.deletionThreshold ?? null,
    endpoints: input.endpoints ?? null,
    createdAt: at,
    fullScanNextRun: false,
    deletionsPending: false,
    status: "idle",
    lastRunId: null,
    lastTrigger: null,
    lastSyncStart: null,
    lastSyncEnd: null,
    lastSyncStatus: null,
    nextRunAt: next ? next.toISOString() : null,
  };
  // An earlier tenant of this ID may have left rows (an erase cut short): the new one inherits none.
  await eraseTenantRows(services, tenantId, now());
  if (!(await services.tenants.create(tenant))) {
    // Lost a race with another add of the same tenant: undo what this one wrote.
    if (createdProfile) {
      await services.credentials.delete(createdProfile.id);
      await services.secrets.delete(createdProfile.secretName);
    }
    return { kind: "exists", tenantId };
  }
  // Only if this add outlived its reservation could a delete of the profile have won: then the add loses.
  if (profile && !(await services.credentials.get(profile.id))) {
    await services.tenants.delete(tenantId);
    return { kind: "credentialNotFound", credentialId: profile.id };
  }
  return { kind: "created", tenant, report };
}
