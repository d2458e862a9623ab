import { randomUUID } from "node:crypto";
import type { Cloud } from "../config/clouds.js";
import type { Services } from "../services.js";
import type { CredentialProfile } from "../store/credential-store.js";
import type { Versioned } from "../store/doc-store.js";

type Deps = Pick<Services, "credentials" | "secrets">;

/** The Key Vault secret that holds a profile's client secret. */
export const secretNameOf = (credentialId: string): string => `cred-${credentialId}`;

export interface NewProfile {
  readonly name: string;
  readonly clientId: string;
  readonly cloud: Cloud;
  /** ISO 8601 or a date; stored as an ISO instant. */
  readonly secretExpiresOn: string;
  /** Made with a tenant (and goes with it), not through /credentials. */
  readonly inline: boolean;
}

/** A new profile under a fresh ID, not yet saved. */
export function newProfile(p: NewProfile, at: string): CredentialProfile {
  const id = randomUUID();
  return {
    id,
    name: p.name,
    clientId: p.clientId,
    cloud: p.cloud,
    secretName: secretNameOf(id),
    secretExpiresOn: new Date(p.secretExpiresOn).toISOString(),
    inline: p.inline,
    createdAt: at,
    updatedAt: at,
  };
}

/** The secret goes to Key Vault first, then the row that names it: a table never holds it. */
export async function saveProfile(services: Deps, profile: CredentialProfile, secret: string): Promise<void> {
  await services.secrets.put(profile.secretName, secret, new Date(profile.secretExpiresOn));
  await services.credentials.create(profile);
}

/** Undoes saveProfile (a tenant write that lost a race). */
export async function discardProfile(services: Deps, profile: Pick<CredentialProfile, "id" | "secretName">): Promise<void> {
  await services.credentials.delete(profile.id);
  await services.secrets.delete(profile.secretName);
}

export interface ProfileUpdate {
  readonly name?: string | undefined;
  /** A new secret comes with its expiry: a new Key Vault version. */
  readonly secret?: { readonly value: string; readonly expiresOn: string } | undefined;
}

/**
 * Renames a profile or rotates its secret, guarded by the ETag read: false
 * when the row changed meanwhile. A new expiry clears what the expiry
 * monitor found for the old secret.
 */
export async function updateProfile(services: Deps, cur: Versioned<CredentialProfile>, u: ProfileUpdate): Promise<CredentialProfile | false> {
  const next: CredentialProfile = {
    ...cur.value,
    name: u.name ?? cur.value.name,
    ...(u.secret ? { secretExpiresOn: new Date(u.secret.expiresOn).toISOString(), graphExpiresOn: null, expiryMismatch: false } : {}),
    updatedAt: new Date().toISOString(),
  };
  if (u.secret) await services.secrets.put(cur.value.secretName, u.secret.value, new Date(next.secretExpiresOn));
  return (await services.credentials.replace(next, cur.etag)) === false ? false : next;
}
