import { randomBytes } from "node:crypto";
import type { Client } from "@microsoft/microsoft-graph-client";
import { describeError } from "../monitoring/describe-error.js";
import type { Services } from "../services.js";
import { statusOf } from "../store/status-code.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { forgetClientState, newClientStateName } from "./client-state.js";
import { SUBSCRIBED, SubscriptionStore, type SubscribedResource, type SubscriptionRecord } from "./store.js";

/**
 * subscription.md, "Maximum length of subscription per resource type": user
 * and group 41,760 minutes. Asked a little short of it, so clock skew between
 * us and Graph cannot push the request past the maximum (a 400).
 */
export const MAX_EXPIRY_MS = 41_760 * 60_000;
const EXPIRY_MARGIN_MS = 10 * 60_000;
/** Renewed when less than this is left: the hourly timer has three days of tries before Graph drops it. */
export const RENEW_BEFORE_MS = 3 * 86_400_000;

export const subscriptionsOf = (services: Services): SubscriptionStore => new SubscriptionStore(services.tables.client("Subscriptions"));

/** Enabled, continuous, and not being erased: the tenant wants subscriptions. */
export const wantsSubscriptions = (t: TenantRecord): boolean => t.enabled && t.status !== "deleting" && t.schedule.kind === "continuous";

/** A Graph refusal as history shows errors: status and code, and Graph's own message. */
function graphErrorText(err: unknown): string {
  const message = err instanceof Error ? err.message.replace(/[\r\n]+/g, " ").slice(0, 300) : "";
  return message ? `${describeError(err)}: ${message}` : describeError(err);
}

const lifecycleUrlOf = (url: string): string => `${url}${url.includes("?") ? "&" : "?"}lifecycle=1`;

/** Creates one subscription (subscription-post-subscriptions.md); a refusal is recorded, not thrown. */
async function create(services: Services, graph: Client, t: TenantRecord, resource: SubscribedResource, now: number): Promise<SubscriptionRecord> {
  const store = subscriptionsOf(services);
  const url = services.config.notifications.url;
  const at = new Date(now).toISOString();
  if (url === undefined) {
    const r: SubscriptionRecord = { tenantId: t.id, resource, subscriptionId: null, expiresAt: null, clientStateSecret: null, state: "failed", lastError: "No notification URL: set PUBLIC_BASE_URL or NOTIFICATION_URL", updatedAt: at };
    await store.put(r);
    return r;
  }
  // A new random clientState per subscription, kept in Key Vault (change-notifications-delivery-webhooks.md: validate clientState on every notification).
  const clientState = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now + MAX_EXPIRY_MS - EXPIRY_MARGIN_MS);
  const secretName = newClientStateName(t.id, resource);
  // No expiry on the secret: a renewal keeps the subscription, and its clientState, for longer.
  await services.secrets.put(secretName, clientState, new Date(now + 10 * 365 * 86_400_000));
  let r: SubscriptionRecord;
  try {
    const sub = (await graph.api("/subscriptions").post({
      changeType: "updated,deleted",
      notificationUrl: url,
      lifecycleNotificationUrl: lifecycleUrlOf(url),
      resource,
      expirationDateTime: expiresAt.toISOString(),
      clientState,
    })) as { id: string; expirationDateTime: string };
    r = { tenantId: t.id, resource, subscriptionId: sub.id, expiresAt: sub.expirationDateTime, clientStateSecret: secretName, state: "active", lastError: null, updatedAt: at };
  } catch (err) {
    // 403 is Graph's answer beyond the quotas (change-notifications-overview.md), 400 a failed validation.
    r = { tenantId: t.id, resource, subscriptionId: null, expiresAt: null, clientStateSecret: null, state: "failed", lastError: graphErrorText(err), updatedAt: at };
    await services.secrets.delete(secretName);
  }
  await store.put(r);
  return r;
}

/** Moves the expiry out again (subscription-update.md); a subscription Graph no longer has is created anew. */
export async function renew(services: Services, graph: Client, t: TenantRecord, r: SubscriptionRecord, now: number): Promise<SubscriptionRecord> {
  if (r.subscriptionId === null) return create(services, graph, t, r.resource, now);
  const recreate = async (): Promise<SubscriptionRecord> => {
    await dropSecret(services, r);
    return create(services, graph, t, r.resource, now);
  };
  const expiresAt = new Date(now + MAX_EXPIRY_MS - EXPIRY_MARGIN_MS).toISOString();
  try {
    const sub = (await graph.api(`/subscriptions/${encodeURIComponent(r.subscriptionId)}`).patch({ expirationDateTime: expiresAt })) as { expirationDateTime: string };
    const next: SubscriptionRecord = { ...r, expiresAt: sub.expirationDateTime, state: "active", lastError: null, updatedAt: new Date(now).toISOString() };
    await subscriptionsOf(services).put(next);
    return next;
  } catch (err) {
    if (statusOf(err) === 404) return recreate();
    const next: SubscriptionRecord = { ...r, lastError: graphErrorText(err), updatedAt: new Date(now).toISOString() };
    await subscriptionsOf(services).put(next);
    return next;
  }
}

/**
 * The expiry Graph holds (subscription-get.md), undefined when Graph no longer
 * has the subscription (404: it expired or was removed); renew() then creates it anew.
 */
async function graphExpiry(graph: Client, id: string): Promise<string | undefined> {
  try {
    return ((await graph.api(`/subscriptions/${encodeURIComponent(id)}`).get()) as { expirationDateTime: string }).expirationDateTime;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

/** Deletes one subscription at Graph (subscription-delete.md; 404: already gone), its clientState and its row. */
async function remove(services: Services, graph: Client | undefined, r: SubscriptionRecord): Promise<void> {
  if (graph && r.subscriptionId !== null) {
    try {
      await graph.api(`/subscriptions/${encodeURIComponent(r.subscriptionId)}`).delete();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
  await dropSecret(services, r);
  await subscriptionsOf(services).delete(r.tenantId, r.resource);
}

async function dropSecret(services: Services, r: SubscriptionRecord): Promise<void> {
  if (r.clientStateSecret === null) return;
  await services.secrets.delete(r.clientStateSecret);
  forgetClientState(r.clientStateSecret);
}

/**
 * Brings the tenant's subscriptions in line with its settings: created when
 * it is continuous and enabled, deleted otherwise (also before an erase).
 * Failures to reach Graph are recorded on the rows; the timer tries again.
 */
export async function reconcileSubscriptions(services: Services, t: TenantRecord, now = Date.now()): Promise<SubscriptionRecord[]> {
  const store = subscriptionsOf(services);
  const current = await store.list(t.id);
  if (!wantsSubscriptions(t)) {
    if (current.length === 0) return [];
    const graph = await services.graphFor(t).catch(() => undefined);
    for (const r of current) await remove(services, graph, r);
    return [];
  }
  let graph: Client;
  try {
    graph = await services.graphFor(t);
  } catch (err) {
    const at = new Date(now).toISOString();
    const failed = SUBSCRIBED.map((resource): SubscriptionRecord => ({ tenantId: t.id, resource, subscriptionId: null, expiresAt: null, clientStateSecret: null, state: "failed", lastError: describeError(err), updatedAt: at }));
    for (const r of failed) await store.put(r);
    return failed;
  }
  const out: SubscriptionRecord[] = [];
  for (const resource of SUBSCRIBED) {
    const r = current.find((x) => x.resource === resource);
    if (!r || r.subscriptionId === null) out.push(await create(services, graph, t, resource, now));
    else {
      const expiresAt = await graphExpiry(graph, r.subscriptionId);
      if (expiresAt === undefined || Date.parse(expiresAt) - now < RENEW_BEFORE_MS) out.push(await renew(services, graph, t, r, now));
      else out.push(r);
    }
  }
  return out;
}

/** The renewal timer: every tenant's subscriptions reconciled (renewed near expiry, failed ones retried, stray ones deleted). */
export async function renewSubscriptions(services: Services, log: (line: string) => void, now = Date.now()): Promise<void> {
  const tenantIds = new Set<string>();
  for await (const r of subscriptionsOf(services).all()) tenantIds.add(r.tenantId);
  for await (const { value } of services.tenants.list()) if (wantsSubscriptions(value)) tenantIds.add(value.id);
  for (const id of tenantIds) {
    try {
      const t = (await services.tenants.get(id))?.value;
      if (t) await reconcileSubscriptions(services, t, now);
      else {
        // The tenant is gone: its rows were erased with it, or are left from a failed erase.
        for (const r of await subscriptionsOf(services).list(id)) await remove(services, undefined, r);
      }
    } catch (err) {
      log(`subscription renewal: tenant ${id} failed: ${describeError(err)}`);
    }
  }
}
