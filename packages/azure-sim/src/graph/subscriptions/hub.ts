import { randomUUID } from "node:crypto";
import type { SimRegistry } from "../../registry.js";
import type { ChangeRecord } from "../types.js";
import { postJson, validateUrl } from "./deliver.js";

/** The directory resources the simulator notifies on. */
export type SubResource = "users" | "groups";
export type LifecycleEvent = "reauthorizationRequired" | "subscriptionRemoved" | "missed";

/** A subscription as Graph returns it (api-reference/v1.0/resources/subscription.md). */
export interface SimSubscription {
  readonly id: string;
  readonly tenantId: string;
  readonly applicationId: string;
  readonly resource: SubResource;
  readonly changeType: string;
  readonly clientState: string | null;
  notificationUrl: string;
  readonly lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  /** Change-log position delivered up to. */
  seq: number;
  /** Set by a reauthorizationRequired event; cleared by a renewal or POST …/reauthorize. */
  needsReauth: boolean;
}

/**
 * subscription.md, "Maximum length of subscription per resource type":
 * user and group 41,760 minutes (under 29 days).
 */
export const DIRECTORY_MAX_MINUTES = 41_760;

/**
 * change-notifications-overview.md (supported resources, user and group):
 * 50,000 per app across tenants, 1,000 per tenant across apps, 100 per app
 * and tenant. Graph answers a create beyond them with 403.
 */
export const QUOTAS = Object.freeze({ perApp: 50_000, perTenant: 1_000, perAppAndTenant: 100 });

/** How deliveries misbehave; the defaults do what the docs allow. */
export interface DeliverySettings {
  /** change-notifications-delivery-webhooks.md: notifications may arrive late (up to this many ms). */
  maxLateMs: number;
  /** …and "may receive duplicate notifications": the share of batches sent twice. */
  duplicateRate: number;
}

const DEFAULT_DELIVERY: DeliverySettings = Object.freeze({ maxLateMs: 1_500, duplicateRate: 0.2 });
const TICK_MS = 200;

export interface HubCounts {
  created: number;
  renewed: number;
  reauthorized: number;
  deleted: number;
  delivered: number;
  failedDeliveries: number;
}

/** Every simulated subscription, across tenants, with its delivery loop. */
export class SubscriptionHub {
  private readonly subs = new Map<string, SimSubscription>();
  private readonly settings = new Map<string, DeliverySettings>();
  private readonly counts = new Map<string, HubCounts>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: SimRegistry,
    private readonly now: () => number,
  ) {}

  list(tenantId: string, applicationId?: string): SimSubscription[] {
    this.sweep();
    return [...this.subs.values()].filter((s) => s.tenantId === tenantId && (applicationId === undefined || s.applicationId === applicationId));
  }

  get(id: string): SimSubscription | undefined {
    this.sweep();
    return this.subs.get(id);
  }

  countsOf(tenantId: string): HubCounts {
    let c = this.counts.get(tenantId);
    if (!c) this.counts.set(tenantId, (c = { created: 0, renewed: 0, reauthorized: 0, deleted: 0, delivered: 0, failedDeliveries: 0 }));
    return c;
  }

  deliveryOf(tenantId: string): DeliverySettings {
    return this.settings.get(tenantId) ?? DEFAULT_DELIVERY;
  }

  setDelivery(tenantId: string, s: Partial<DeliverySettings>): DeliverySettings {
    const next = { ...this.deliveryOf(tenantId), ...s };
    this.settings.set(tenantId, next);
    return next;
  }

  /** The quota a new subscription would break, if any. */
  quotaRefusal(tenantId: string, applicationId: string): string | undefined {
    this.sweep();
    const all = [...this.subs.values()];
    if (all.filter((s) => s.applicationId === applicationId).length >= QUOTAS.perApp) return `per app (${QUOTAS.perApp})`;
    if (all.filter((s) => s.tenantId === tenantId).length >= QUOTAS.perTenant) return `per tenant (${QUOTAS.perTenant})`;
    if (all.filter((s) => s.tenantId === tenantId && s.applicationId === applicationId).length >= QUOTAS.perAppAndTenant) return `per app and tenant (${QUOTAS.perAppAndTenant})`;
    return undefined;
  }

  /** Validates both URLs (the handshake), then stores the subscription; the error text when a handshake fails. */
  async create(input: Omit<SimSubscription, "id" | "seq" | "needsReauth">): Promise<SimSubscription | string> {
    const bad = (await validateUrl(input.notificationUrl)) ?? (input.lifecycleNotificationUrl ? await validateUrl(input.lifecycleNotificationUrl) : undefined);
    if (bad) return bad;
    const dir = this.registry.find(input.tenantId)?.directory;
    const sub: SimSubscription = { ...input, id: randomUUID(), seq: dir?.seq ?? 0, needsReauth: false };
    this.subs.set(sub.id, sub);
    this.countsOf(sub.tenantId).created++;
    this.ensureLoop();
    return sub;
  }

  renew(sub: SimSubscription, expirationDateTime: string): void {
    sub.expirationDateTime = expirationDateTime;
    // subscription-update.md: a renewal also reauthorizes the subscription (change-notifications-lifecycle-events.md).
    if (sub.needsReauth) this.countsOf(sub.tenantId).reauthorized++;
    sub.needsReauth = false;
    this.countsOf(sub.tenantId).renewed++;
  }

  reauthorize(sub: SimSubscription): void {
    sub.needsReauth = false;
    this.countsOf(sub.tenantId).reauthorized++;
  }

  delete(sub: SimSubscription): void {
    if (this.subs.delete(sub.id)) this.countsOf(sub.tenantId).deleted++;
  }

  /** Test control: move a subscription's expiry (to the past: it expires and stops delivering). */
  expireAt(sub: SimSubscription, at: string): void {
    sub.expirationDateTime = at;
  }

  /** Sends a lifecycle notification to the subscription's lifecycleNotificationUrl (change-notifications-lifecycle-events.md). */
  async fireLifecycle(sub: SimSubscription, event: LifecycleEvent): Promise<number> {
    if (!sub.lifecycleNotificationUrl) return 0;
    if (event === "reauthorizationRequired") sub.needsReauth = true;
    if (event === "subscriptionRemoved") this.subs.delete(sub.id);
    const item = { subscriptionId: sub.id, subscriptionExpirationDateTime: sub.expirationDateTime, tenantId: sub.tenantId, clientState: sub.clientState, lifecycleEvent: event };
    return postJson(sub.lifecycleNotificationUrl, { value: [item] });
  }

  /** Expired subscriptions stop delivering and are gone (subscription.md: a subscription that is not renewed expires). */
  private sweep(): void {
    const now = this.now();
    for (const s of this.subs.values()) if (Date.parse(s.expirationDateTime) <= now) this.subs.delete(s.id);
  }

  private ensureLoop(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  private tick(): void {
    this.sweep();
    if (this.subs.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    for (const sub of this.subs.values()) {
      const dir = this.registry.find(sub.tenantId)?.directory;
      if (!dir || dir.seq <= sub.seq) continue;
      const items: Record<string, unknown>[] = [];
      for (const { record } of dir.changesSince(sub.seq)) {
        const changeType = changeTypeOf(record, sub.resource);
        if (changeType && sub.changeType.split(",").includes(changeType)) items.push(notification(sub, record.id, changeType));
      }
      sub.seq = dir.seq;
      if (items.length > 0) this.send(sub, items);
    }
  }

  /** change-notifications-delivery-webhooks.md: late, possibly duplicated; a slow or failing URL is retried a few times. */
  private send(sub: SimSubscription, items: Record<string, unknown>[]): void {
    const d = this.deliveryOf(sub.tenantId);
    const counts = this.countsOf(sub.tenantId);
    // Graph batches change notifications: at most 1,000 in one POST (changenotificationcollection.md allows many).
    for (let i = 0; i < items.length; i += 1000) {
      const body = { value: items.slice(i, i + 1000) };
      const once = (delay: number, attempt = 0): void => {
        setTimeout(() => {
          void postJson(sub.notificationUrl, body).then((status) => {
            if (status >= 200 && status < 300) counts.delivered += body.value.length;
            else {
              counts.failedDeliveries++;
              if (attempt < 3) once(1_000 * 2 ** attempt, attempt + 1);
            }
          });
        }, delay).unref();
      };
      once(Math.random() * d.maxLateMs);
      if (Math.random() < d.duplicateRate) once(d.maxLateMs + Math.random() * d.maxLateMs);
    }
  }
}

/**
 * subscription.md, changeType: "Use updated to receive notifications when user or group is created,
 * updated, or soft deleted. Use deleted to receive notifications when user or group is permanently deleted."
 * Membership changes notify on the group.
 */
function changeTypeOf(r: ChangeRecord, resource: SubResource): "updated" | "deleted" | undefined {
  if (r.type !== resource) return undefined;
  return r.kind === "hardDelete" ? "deleted" : "updated";
}

/** One item of a changeNotificationCollection (resources/changenotification.md). */
function notification(sub: SimSubscription, id: string, changeType: string): Record<string, unknown> {
  const kind = sub.resource === "users" ? "User" : "Group";
  return {
    id: randomUUID(),
    subscriptionId: sub.id,
    subscriptionExpirationDateTime: sub.expirationDateTime,
    clientState: sub.clientState,
    changeType,
    resource: `${kind}s/${id}`,
    tenantId: sub.tenantId,
    resourceData: { "@odata.type": `#Microsoft.Graph.${kind}`, "@odata.id": `${kind}s/${id}`, id, organizationId: sub.tenantId },
  };
}

const hubs = new WeakMap<object, SubscriptionHub>();

/** The hub of one simulator instance (keyed by its state object). */
export function hubOf(key: object, registry: SimRegistry, now: () => number): SubscriptionHub {
  let h = hubs.get(key);
  if (!h) hubs.set(key, (h = new SubscriptionHub(registry, now)));
  return h;
}
