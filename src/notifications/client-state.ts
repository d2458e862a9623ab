import { randomBytes, timingSafeEqual } from "node:crypto";
import type { SecretStore } from "../secrets/secret-store.js";
import type { SubscribedResource } from "./store.js";

/**
 * A new Key Vault secret name for one subscription's clientState. Unique per
 * subscription: Key Vault keeps a deleted name, soft-deleted, and refuses to
 * set it again until it is purged (409, key-vault/general/soft-delete-overview.md).
 */
export const newClientStateName = (tenantId: string, resource: SubscribedResource): string => `notify-${tenantId}-${resource}-${randomBytes(6).toString("hex")}`;

const CACHE_MS = 5 * 60_000;
/** Per instance: a burst of notifications costs one Key Vault read, not one each. */
const cache = new Map<string, { value: string | undefined; until: number }>();

export function forgetClientState(name: string): void {
  cache.delete(name);
}

async function clientStateOf(secrets: SecretStore, name: string, now: number): Promise<string | undefined> {
  const hit = cache.get(name);
  if (hit && hit.until > now) return hit.value;
  const value = (await secrets.get(name))?.value;
  cache.set(name, { value, until: now + CACHE_MS });
  return value;
}

/** Whether `given` is the clientState kept under `name`, compared in constant time. */
export async function clientStateMatches(secrets: SecretStore, name: string, given: unknown, now = Date.now()): Promise<boolean> {
  if (typeof given !== "string") return false;
  const want = await clientStateOf(secrets, name, now);
  if (want === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}
