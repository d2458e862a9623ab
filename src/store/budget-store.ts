import type { TableClient } from "@azure/data-tables";
import { getOrUndefined, statusOf } from "./status-code.js";

/** One token bucket: `capacity` resource units, refilled at `capacity` per `windowMs`. */
export interface BucketSpec {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly capacity: number;
  readonly windowMs: number;
}

export type TakeResult = { readonly granted: true } | { readonly granted: false; readonly waitMs: number };

interface BucketRow {
  readonly tokens: number;
  /** Epoch ms of the last refill, as text: a plain number this large has no safe Table type. */
  readonly at: string;
}

/** Conditional writes lost in a row before a take gives up (another instance keeps winning). */
const MAX_ATTEMPTS = 50;

/**
 * Token buckets in one table row each, shared by every Function instance:
 * a take reads the row, refills it by the time since its last refill, and
 * writes it back only if nobody else did meanwhile (Update Entity with
 * If-Match, Table service REST API: 412 when the ETag moved on), so two
 * instances never take the same tokens. A clock behind the row's refill
 * time refills nothing rather than going back.
 */
export class BudgetStore {
  constructor(
    private readonly table: TableClient,
    private readonly clock: () => number = Date.now,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Takes `n` tokens, or says how long until there are `n` (nothing taken). */
  async take(spec: BucketSpec, n: number): Promise<TakeResult> {
    if (n > spec.capacity) throw new RangeError(`a take of ${n} can never fit a bucket of ${spec.capacity}`);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.clock();
      const row = await getOrUndefined(() => this.table.getEntity<BucketRow>(spec.partitionKey, spec.rowKey));
      if (!row) {
        try {
          await this.table.createEntity({ partitionKey: spec.partitionKey, rowKey: spec.rowKey, tokens: spec.capacity - n, at: String(now) });
          return { granted: true };
        } catch (err) {
          if (statusOf(err) !== 409) throw err;
          continue;
        }
      }
      // A row this code did not write counts as empty at `now`: it grants nothing it cannot account for.
      const last = Number.isFinite(Number(row.at)) ? Number(row.at) : now;
      const tokens = typeof row.tokens === "number" && Number.isFinite(row.tokens) ? row.tokens : 0;
      const level = Math.min(spec.capacity, tokens + (Math.max(0, now - last) * spec.capacity) / spec.windowMs);
      if (level < n) return { granted: false, waitMs: Math.ceil(((n - level) * spec.windowMs) / spec.capacity) };
      try {
        await this.table.updateEntity({ partitionKey: spec.partitionKey, rowKey: spec.rowKey, tokens: level - n, at: String(Math.max(now, last)) }, "Replace", { etag: row.etag });
        return { granted: true };
      } catch (err) {
        if (statusOf(err) !== 412) throw err;
        // Lost the race: jitter so the instances do not collide in step.
        await this.pause(Math.random() * 20);
      }
    }
    throw new Error(`throttling budget ${spec.partitionKey}/${spec.rowKey}: too much contention`);
  }

  /**
   * Graph throttled a request of this bucket's scope: whatever the bucket
   * holds is not there, and nothing is for `forMs` (its Retry-After). The
   * bucket goes to minus what `forMs` refills (never further: many 429s at
   * once do not add up), so every instance waits that long and then draws
   * at the refill rate, with no burst into a limit Graph still counts as used.
   */
  async drain(spec: BucketSpec, forMs: number): Promise<void> {
    const debt = (Math.max(0, forMs) * spec.capacity) / spec.windowMs;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.clock();
      const row = await getOrUndefined(() => this.table.getEntity<BucketRow>(spec.partitionKey, spec.rowKey));
      try {
        if (!row) {
          await this.table.createEntity({ partitionKey: spec.partitionKey, rowKey: spec.rowKey, tokens: -debt, at: String(now) });
          return;
        }
        const last = Number.isFinite(Number(row.at)) ? Number(row.at) : now;
        const tokens = typeof row.tokens === "number" && Number.isFinite(row.tokens) ? row.tokens : 0;
        const level = Math.min(spec.capacity, tokens + (Math.max(0, now - last) * spec.capacity) / spec.windowMs);
        if (level <= -debt) return;
        await this.table.updateEntity({ partitionKey: spec.partitionKey, rowKey: spec.rowKey, tokens: -debt, at: String(Math.max(now, last)) }, "Replace", { etag: row.etag });
        return;
      } catch (err) {
        const status = statusOf(err);
        if (status !== 412 && status !== 409) throw err;
        await this.pause(Math.random() * 20);
      }
    }
  }
}
