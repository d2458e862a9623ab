import { expiryStateOf } from "../monitoring/expiry-monitor.js";
import { profileCloud, type CredentialProfile } from "../store/credential-store.js";
import type { TenantRecord } from "../store/tenant-store.js";

/** The real expiry read from Graph wins over the one typed in. */
const stateOf = (p: CredentialProfile) => expiryStateOf(p.graphExpiresOn ?? p.secretExpiresOn, Date.now());

/** A credential profile as the API shows it: never the secret, nor its Key Vault name. */
export function credentialView(p: CredentialProfile) {
  return {
    id: p.id,
    name: p.name,
    clientId: p.clientId,
    cloud: profileCloud(p),
    secretExpiresOn: p.secretExpiresOn,
    expiryState: stateOf(p),
    graphExpiresOn: p.graphExpiresOn ?? null,
    expiryMismatch: p.expiryMismatch ?? false,
    inline: p.inline,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function tenantView(t: TenantRecord, credential: CredentialProfile | undefined) {
  return {
    id: t.id,
    displayName: t.displayName,
    cloud: t.cloud,
    domain: t.domain,
    enabled: t.enabled,
    credential: credential
      ? { id: credential.id, name: credential.name, clientId: credential.clientId, secretExpiresOn: credential.secretExpiresOn, expiryState: stateOf(credential) }
      : { id: t.credentialId, name: null, clientId: null, secretExpiresOn: null, expiryState: null },
    objectTypes: t.objectTypes,
    schedule: t.schedule,
    filters: t.filters,
    deletionThreshold: t.deletionThreshold,
    endpoints: t.endpoints,
    fullScanNextRun: t.fullScanNextRun,
    deletionsPending: t.deletionsPending,
    status: t.deletionsPending ? "deletionsPending" : t.status,
    lastSyncStart: t.lastSyncStart,
    lastSyncEnd: t.lastSyncEnd,
    lastSyncStatus: t.lastSyncStatus,
    nextRunAt: t.nextRunAt,
    createdAt: t.createdAt,
  };
}
