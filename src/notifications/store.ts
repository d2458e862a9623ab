import { odata, type TableClient } from "@azure/data-tables";
import { getOrUndefined, statusOf } from "../store/status-code.js";

/** The directory collections a tenant subscribes to, with the synced type each notifies. */
export const SUBSCRIBED = ["users", "groups"] as const;
export type SubscribedResource = (typeof SUBSCRIBED)[number];

/** One Graph subscription of a tenant. */
export interface SubscriptionRecord {
  readonly tenantId: string;
  readonly resource: SubscribedResource;
  /** Graph's subscription ID; null while none exists (creation failed). */
  readonly subscriptionId: string | null;
  readonly expiresAt: string | null;
  /** The Key Vault secret holding its clientState. */
  readonly clientStateSecret: string | null;
  readonly state: "active" | "failed";
  /** Graph's refusal of the last create or renewal (status, code, message), never a secret. */
  readonly lastError: string | null;
  readonly updatedAt: string;
}

/** Per tenant: what the notification endpoint last saw. */
export interface NotificationStats {
  readonly lastNotificationAt: string | null;
  readonly accepted: number;
  /** Items dropped: wrong clientState, unknown subscription, or another tenant. */
  readonly dropped: number;
}

const STATS_KEY = "~stats";

interface Row {
  partitionKey: string;
  rowKey: string;
  doc: string;
}

/** The Subscriptions table: partition per tenant, one row per resource and one for the counters. */
export class SubscriptionStore {
  constructor(private readonly table: TableClient) {}

  async list(tenantId: string): Promise<SubscriptionRecord[]> {
    const out: SubscriptionRecord[] = [];
    const filter = odata`PartitionKey eq ${tenantId}`;
    for await (const e of this.table.listEntities<Row>({ queryOptions: { filter } })) if (e.rowKey !== STATS_KEY) out.push(JSON.parse(e.doc) as SubscriptionRecord);
    return out;
  }

  /** Every tenant's subscriptions (the renewal timer). */
  async *all(): AsyncGenerator<SubscriptionRecord> {
    for await (const e of this.table.listEntities<Row>()) if (e.rowKey !== STATS_KEY) yield JSON.parse(e.doc) as SubscriptionRecord;
  }

  async put(r: SubscriptionRecord): Promise<void> {
    await this.table.upsertEntity({ partitionKey: r.tenantId, rowKey: r.resource, doc: JSON.stringify(r) }, "Replace");
  }

  async delete(tenantId: string, resource: SubscribedResource): Promise<void> {
    try {
      await this.table.deleteEntity(tenantId, resource);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  async stats(tenantId: string): Promise<NotificationStats> {
    const e = await getOrUndefined(() => this.table.getEntity<Row>(tenantId, STATS_KEY));
    return e ? (JSON.parse(e.doc) as NotificationStats) : { lastNotificationAt: null, accepted: 0, dropped: 0 };
  }

  /** Adds to the counters; last writer wins on a race (they are for display). */
  async count(tenantId: string, accepted: number, dropped: number, at: string): Promise<void> {
    const cur = await this.stats(tenantId);
    const next: NotificationStats = {
      lastNotificationAt: accepted > 0 ? at : cur.lastNotificationAt,
      accepted: cur.accepted + accepted,
      dropped: cur.dropped + dropped,
    };
    await this.table.upsertEntity({ partitionKey: tenantId, rowKey: STATS_KEY, doc: JSON.stringify(next) }, "Replace");
  }
}
