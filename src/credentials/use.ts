import type { Services } from "../services.js";
import type { CredentialProfile } from "../store/credential-store.js";
import type { Versioned } from "../store/doc-store.js";
import { statusOf } from "../store/status-code.js";

/** Longer than any add's connection test: a reservation outlives the add that took it. */
export const RESERVATION_MS = 5 * 60_000;

/**
 * Reserves a profile for a tenant about to use it. The reservation is an
 * ETag-guarded write to the profile row, and a delete is conditional on the
 * row's ETag too: of an add and a delete that race, exactly one wins.
 */
export async function reserveProfile(services: Pick<Services, "credentials">, id: string, now = Date.now()): Promise<Versioned<CredentialProfile> | undefined> {
  const reservedUntil = new Date(now + RESERVATION_MS).toISOString();
  for (let attempt = 0; attempt < 10; attempt++) {
    const cur = await services.credentials.get(id);
    if (!cur) return undefined;
    const value: CredentialProfile = { ...cur.value, reservedUntil };
    let etag: string | false;
    try {
      etag = await services.credentials.replace(value, cur.etag);
    } catch (err) {
      if (statusOf(err) === 404) return undefined; // deleted since it was read
      throw err;
    }
    if (etag !== false) return { value, etag };
  }
  throw new Error(`credential profile ${id}: too much contention`);
}

/** Gives a reservation back when the add that took it did not attach a tenant (best effort: it expires anyway). */
export async function releaseProfile(services: Pick<Services, "credentials">, reserved: CredentialProfile): Promise<void> {
  const cur = await services.credentials.get(reserved.id);
  if (!cur || cur.value.reservedUntil !== reserved.reservedUntil) return;
  await services.credentials.replace({ ...cur.value, reservedUntil: null }, cur.etag).catch(() => false);
}

export type DeleteOutcome = { readonly kind: "deleted" } | { readonly kind: "missing" } | { readonly kind: "inUse"; readonly tenants: readonly string[] };

/**
 * Deletes a profile and its secret unless a tenant other than `except` uses
 * it or is being attached to it. The row goes first, conditional on the
 * version read before the check, then the secret.
 */
export async function deleteProfileIfUnused(services: Pick<Services, "credentials" | "tenants" | "secrets">, id: string, except?: string, now = Date.now()): Promise<DeleteOutcome> {
  const cur = await services.credentials.get(id);
  if (!cur) return { kind: "missing" };
  const reserved = cur.value.reservedUntil ? Date.parse(cur.value.reservedUntil) > now : false;
  const users = (await services.tenants.usingCredential(id)).filter((t) => t !== except);
  if (reserved || users.length > 0) return { kind: "inUse", tenants: users };
  if (!(await services.credentials.deleteIf(id, cur.etag))) return { kind: "inUse", tenants: [] };
  await services.secrets.delete(cur.value.secretName);
  return { kind: "deleted" };
}
