import type { Services } from "../services.js";
import type { CredentialProfile } from "../store/credential-store.js";
import type { TenantRecord } from "../store/tenant-store.js";
import type { ConnectionReport } from "../tenants/test-connection.js";
import { endpointsOf } from "./endpoints.js";
import { testSecret } from "./customer.js";
import { discardProfile, newProfile, saveProfile } from "./profile.js";
import { releaseResolved, resolveCredential, type CredentialInput, type ResolveFailure } from "./resolve.js";
import { deleteProfileIfUnused } from "./use.js";

/** What a credential change did before the tenant row is saved: `commit` after it is saved, `undo` if it is not. */
export interface CredentialChange {
  readonly credentialId: string;
  commit(): Promise<void>;
  undo(): Promise<void>;
}

export type ChangeResult =
  | { readonly kind: "changed"; readonly change: CredentialChange }
  | ResolveFailure
  | { readonly kind: "connectionFailed"; readonly report: ConnectionReport }
  /** The inline profile changed between the check and the write (an add reserved it): nothing was written. */
  | { readonly kind: "conflict" };

type Deps = Pick<Services, "config" | "credentials" | "secrets" | "tenants">;

const noop = (): Promise<void> => Promise.resolve();

/**
 * Tests the new credential against `t`'s endpoints, then stores it. A
 * profile another tenant uses (or is being added with) is never rewritten
 * or deleted through this tenant: a new inline secret then makes a new
 * inline profile. Only an inline profile of this tenant alone is rotated
 * in place (a new Key Vault version).
 */
export async function changeCredential(services: Deps, t: TenantRecord, old: CredentialProfile | undefined, input: CredentialInput): Promise<ChangeResult> {
  const resolved = await resolveCredential(services, input, t.cloud);
  if (resolved.kind === "credentialNotFound" || resolved.kind === "credentialCloud") return resolved;
  const endpoints = endpointsOf(services.config, t, resolved.kind === "profile" ? resolved.profile : { cloud: t.cloud });
  const report = await testSecret(t.id, resolved.clientId, resolved.secret, endpoints);
  if (!report.ok) {
    await releaseResolved(services, resolved);
    return { kind: "connectionFailed", report };
  }
  if (resolved.kind === "profile") {
    const to = resolved.profile.id;
    const release = () => releaseResolved(services, resolved);
    return {
      kind: "changed",
      change: {
        credentialId: to,
        // The old inline profile goes only once the tenant row no longer names it, and only if no one else uses it.
        async commit() {
          await release();
          if (old?.inline && old.id !== to) await deleteProfileIfUnused(services, old.id, t.id);
        },
        undo: release,
      },
    };
  }
  return saveInline(services, t, old, resolved.clientId, resolved.secret, resolved.input.secretExpiresOn);
}

/** Rotates the tenant's own inline profile in place, or saves a new inline profile when another tenant or an add holds the old one. */
async function saveInline(services: Deps, t: TenantRecord, old: CredentialProfile | undefined, clientId: string, secret: string, expiresOn: string): Promise<ChangeResult> {
  const at = new Date().toISOString();
  const expires = new Date(expiresOn).toISOString();
  const cur = old?.inline ? await services.credentials.get(old.id) : undefined;
  const reservedByAdd = cur?.value.reservedUntil ? Date.parse(cur.value.reservedUntil) > Date.now() : false;
  const others = cur ? (await services.tenants.usingCredential(cur.value.id)).filter((id) => id !== t.id) : [];
  if (cur && !reservedByAdd && others.length === 0) {
    const next: CredentialProfile = { ...cur.value, clientId, secretExpiresOn: expires, updatedAt: at, graphExpiresOn: null, expiryMismatch: false };
    // The row first, guarded by its ETag: an add that reserved it since the check makes this a conflict, not a rewrite of its profile.
    if ((await services.credentials.replace(next, cur.etag)) === false) return { kind: "conflict" };
    await services.secrets.put(cur.value.secretName, secret, new Date(expires));
    return { kind: "changed", change: { credentialId: cur.value.id, commit: noop, undo: noop } };
  }
  const profile = newProfile({ name: `${t.displayName} (inline)`, clientId, cloud: t.cloud, secretExpiresOn: expires, inline: true }, at);
  await saveProfile(services, profile, secret);
  return { kind: "changed", change: { credentialId: profile.id, commit: noop, undo: () => discardProfile(services, profile) } };
}
