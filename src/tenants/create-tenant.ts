import { testSecret } from "../credentials/customer.js";
import { endpointsOf } from "../credentials/endpoints.js";
import { discardProfile, newProfile, saveProfile } from "../credentials/profile.js";
import { releaseResolved, resolveCredential, type ResolvedCredential } from "../credentials/resolve.js";
import { defaultTypesFor } from "../graph/resources/index.js";
import { nextRunAfter } from "../schedule/next-run.js";
import { DEFAULT_SCHEDULE } from "../schedule/schema.js";
import type { Services } from "../services.js";
import type { CloudEndpoints } from "../config/clouds.js";
import type { CredentialProfile } from "../store/credential-store.js";
import { endpointProblems, type EndpointProblem } from "./endpoint-policy.js";
import { eraseTenantRows } from "./erase-tenant.js";
import type { TenantRecord } from "../store/tenant-store.js";
import type { AadstsError } from "./aadsts.js";
import { isGuid, resolveTenantId } from "./resolve-tenant.js";
import type { NewTenant } from "./schema.js";
import type { ConnectionReport } from "./test-connection.js";

export type CreateResult =
  | { readonly kind: "created"; readonly tenant: TenantRecord; readonly report: ConnectionReport }
  | { readonly kind: "exists"; readonly tenantId: string }
  | { readonly kind: "credentialNotFound"; readonly credentialId: string }
  | { readonly kind: "credentialCloud"; readonly message: string }
  | { readonly kind: "endpointRefused"; readonly problems: readonly EndpointProblem[] }
  | { readonly kind: "tenantNotFound"; readonly error: AadstsError }
  | { readonly kind: "connectionFailed"; readonly report: ConnectionReport };

/**
 * Adds a tenant: resolves a domain to its GUID, tests the connection, and
 * only then writes anything. The secret goes to Key Vault, never a table.
 */
export async function createTenant(services: Services, input: NewTenant, now: () => number = Date.now): Promise<CreateResult> {
  await services.ready();
  // Before anything goes out: not even the discovery request may reach a host the policy refuses.
  const problems = endpointProblems(input.cloud, input.endpoints, services.config.endpointAllowedHosts);
  if (problems.length > 0) return { kind: "endpointRefused", problems };
  const endpoints = endpointsOf(services.config, { cloud: input.cloud, endpoints: input.endpoints ?? null });
  let tenantId: string;
  if (isGuid(input.tenant)) tenantId = input.tenant.toLowerCase();
  else {
    const r = await resolveTenantId(endpoints.authorityHost, input.tenant);
    if ("error" in r) return { kind: "tenantNotFound", error: r.error };
    tenantId = r.tenantId;
  }
  if (await services.tenants.get(tenantId)) return { kind: "exists", tenantId };

  const credential = await resolveCredential(services, input.credential, input.cloud, now());
  if (credential.kind === "credentialNotFound" || credential.kind === "credentialCloud") return credential;
  const attached = await attach(services, input, tenantId, credential, endpoints, now);
  await releaseResolved(services, credential);
  return attached;
}

async function attach(
  services: Services,
  input: NewTenant,
  tenantId: string,
  credential: ResolvedCredential,
  endpoints: CloudEndpoints,
  now: () => number,
): Promise<CreateResult> {
  const report = await testSecret(tenantId, credential.clientId, credential.secret, endpoints);
  if (!report.ok) return { kind: "connectionFailed", report };

  const at = new Date(now()).toISOString();
  let createdProfile: CredentialProfile | undefined;
  if (credential.kind === "inline") {
    const name = `${input.displayName ?? report.tenantName ?? tenantId} (inline)`;
    createdProfile = newProfile({ name, clientId: credential.clientId, cloud: input.cloud, secretExpiresOn: credential.input.secretExpiresOn, inline: true }, at);
    await saveProfile(services, createdProfile, credential.secret);
  }
  const profile = credential.kind === "profile" ? credential.profile : undefined;
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
    if (createdProfile) await discardProfile(services, createdProfile);
    return { kind: "exists", tenantId };
  }
  // Only if this add outlived its reservation could a delete of the profile have won: then the add loses.
  if (profile && !(await services.credentials.get(profile.id))) {
    await services.tenants.delete(tenantId);
    return { kind: "credentialNotFound", credentialId: profile.id };
  }
  return { kind: "created", tenant, report };
}
