import type { Services } from "../services.js";
import type { OrchestrationClient } from "../orchestration/start-run.js";
import { isActive } from "../orchestration/status.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { debounceInstanceOf, type DebounceStatus } from "./debounce.js";
import { subscriptionsOf, wantsSubscriptions } from "./manager.js";

/** GET /tenants/{id}: the tenant's subscriptions, their state and expiry (no clientState). */
export async function subscriptionsView(services: Services, t: TenantRecord) {
  const rows = await subscriptionsOf(services).list(t.id);
  return {
    wanted: wantsSubscriptions(t),
    items: rows.map((r) => ({ resource: r.resource, subscriptionId: r.subscriptionId, state: r.state, expiresAt: r.expiresAt, lastError: r.lastError, updatedAt: r.updatedAt })),
  };
}

/** GET /tenants/{id}/sync: the last notification, the counters, and the debouncer's state. */
export async function notificationsView(services: Services, orchestration: OrchestrationClient, t: TenantRecord) {
  const stats = await subscriptionsOf(services).stats(t.id);
  const s = await orchestration.getStatus(debounceInstanceOf(t.id));
  const active = s !== undefined && isActive(s.runtimeStatus);
  const debounce = active ? ((s.customStatus as DebounceStatus | null | undefined) ?? null) : null;
  return { ...stats, debounce: debounce ? { ...debounce } : { phase: "idle" as const } };
}
