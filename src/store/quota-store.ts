import type { TableClient } from "@azure/data-tables";
import { getOrUndefined, statusOf } from "./status-code.js";

export type QuotaResult = { readonly accepted: true; readonly used: number; readonly remaining: number } | { readonly accepted: false; readonly used: number; readonly remaining: 0; readonly retryAfterSeconds: number };

/** The UTC day a manual sync counts against, and the seconds until the next one starts. */
export function utcDay(now: number): { day: string; secondsLeft: number; nextDayStart: number } {
  const d = new Date(now);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  return { day: d.toISOString().slice(0, 10), secondsLeft: Math.max(1, Math.ceil((next - now) / 1000)), nextDayStart: next };
}

/**
 * Sync Now's daily quota, per tenant and UTC day. The counter moves only by
 * ETag-conditional writes, retried, so concurrent requests never overshoot.
 */
export class QuotaStore {
  constructor(private readonly table: TableClient) {}

  async used(tenantId: string, now = Date.now()): Promise<number> {
    const e = await getOrUndefined(() => this.table.getEntity<{ count: number }>(tenantId, utcDay(now).day));
    return e?.count ?? 0;
  }

  async take(tenantId: string, limit: number, now = Date.now()): Promise<QuotaResult> {
    const { day, secondsLeft } = utcDay(now);
    for (let attempt = 0; attempt < 50; attempt++) {
      const e = await getOrUndefined(() => this.table.getEntity<{ count: number }>(tenantId, day));
      const count = e?.count ?? 0;
      const etag = e?.etag;
      if (count >= limit) return { accepted: false, used: count, remaining: 0, retryAfterSeconds: secondsLeft };
      try {
        if (etag === undefined) await this.table.createEntity({ partitionKey: tenantId, rowKey: day, count: 1 });
        else await this.table.updateEntity({ partitionKey: tenantId, rowKey: day, count: count + 1 }, "Replace", { etag });
        return { accepted: true, used: count + 1, remaining: limit - count - 1 };
      } catch (err) {
        const s = statusOf(err);
        // Someone else moved the counter first: read again.
        if (s !== 409 && s !== 412) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
      }
    }
    throw new Error(`quota counter of ${tenantId} is too contended`);
  }

  /** Gives one back: the sync it paid for did not start. */
  async refund(tenantId: string, now = Date.now()): Promise<void> {
    const { day } = utcDay(now);
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const e = await this.table.getEntity<{ count: number }>(tenantId, day);
        await this.table.updateEntity({ partitionKey: tenantId, rowKey: day, count: Math.max(0, e.count - 1) }, "Replace", { etag: e.etag });
        return;
      } catch (err) {
        const s = statusOf(err);
        if (s === 404) return;
        if (s !== 412) throw err;
      }
    }
  }
}
