import type { GraphBudgetSettings } from "../../config/config.js";
import type { BucketSpec, BudgetStore } from "../../store/budget-store.js";

/**
 * The app+tenant budget by tenant size (concepts/throttling-limits.md,
 * "Identity and access service limits"): "S - under 50 users, M - between
 * 50 and 500 users, and L - above 500 users", 3,500 / 5,000 / 8,000
 * resource units per 10 s. A tenant of unknown size (never synced) gets
 * the smallest.
 */
export function tenantBudgetRu(users: number | undefined): number {
  if (users === undefined || users < 50) return 3_500;
  return users <= 500 ? 5_000 : 8_000;
}

/** What a Graph client draws from before each request, and settles after it. */
export interface RequestBudget {
  /** Resolves once `cost` resource units are held for the request; waits for the refill when the budget is short. */
  reserve(cost: number): Promise<void>;
  /** After the answer: its real cost (x-ms-resource-unit, when sent), x-ms-throttle-limit-percentage and a 429's Retry-After. */
  settle(estimated: number, answer: { readonly cost?: number | undefined; readonly percentage?: number | undefined; readonly retryAfterMs?: number | undefined }): void;
}

/** x-ms-throttle-limit-percentage past which the draws slow down (Graph sends it from 0.8 of the limit). */
const SLOW_FROM = 0.9;

/**
 * One process's share of one table bucket: tokens are taken from the
 * table in chunks and spent here request by request, so a stream writes
 * the table once per chunk, not once per request. Every stream of the
 * process on that bucket draws from the one lease; one take at a time.
 */
class Lease {
  private held = 0;
  private taking: Promise<void> | undefined;
  private pausedUntil = 0;

  constructor(
    private readonly store: BudgetStore,
    readonly spec: BucketSpec,
    private readonly chunk: number,
    private readonly clock: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  async reserve(cost: number): Promise<void> {
    const need = Math.min(cost, this.spec.capacity);
    for (;;) {
      const pause = this.pausedUntil - this.clock();
      if (pause > 0) await this.sleep(pause);
      else if (this.held >= need) {
        this.held -= cost;
        return;
      } else {
        this.taking ??= this.fill(need).finally(() => (this.taking = undefined));
        await this.taking;
      }
    }
  }

  private async fill(need: number): Promise<void> {
    const want = Math.min(this.spec.capacity, Math.max(this.chunk, need - this.held));
    for (;;) {
      const r = await this.store.take(this.spec, want);
      if (r.granted) {
        this.held += want;
        return;
      }
      // Short: wait for the refill (jittered, so instances do not wake in step) instead of sending what would get 429.
      await this.sleep(r.waitMs + Math.random() * 50);
    }
  }

  /** Charges what a request cost beyond (or gives back what it cost below) its estimate. */
  spend(extra: number): void {
    this.held -= extra;
  }

  /** Holds every draw until `ms` from now. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + ms);
  }
}

/** Both budgets a request to one tenant draws from: the app+tenant pair's, then the app's. */
class TenantDraw implements RequestBudget {
  constructor(
    private readonly tenant: Lease,
    private readonly app: Lease,
  ) {}

  async reserve(cost: number): Promise<void> {
    await this.tenant.reserve(cost);
    await this.app.reserve(cost);
  }

  settle(estimated: number, answer: { readonly cost?: number | undefined; readonly percentage?: number | undefined; readonly retryAfterMs?: number | undefined }): void {
    const extra = (answer.cost ?? estimated) - estimated;
    this.tenant.spend(extra);
    this.app.spend(extra);
    // Graph counts usage we did not (another service on the same app, a clock ahead): slow down near its limit…
    const p = answer.percentage;
    if (p !== undefined && p > SLOW_FROM) this.tenant.pauseFor((p - SLOW_FROM) * this.tenant.spec.windowMs);
    // …and stop for as long as a 429 says ("limits any further requests from that client for a period of time", concepts/throttling.md).
    if (answer.retryAfterMs !== undefined) this.tenant.pauseFor(answer.retryAfterMs);
  }
}

/**
 * The shared throttling budget: per app (a credential profile's client ID,
 * whatever tenants use it) and per app+tenant, as token buckets in the
 * Budgets table that hold across Function instances. One per process.
 */
export class GraphBudget {
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly store: BudgetStore,
    readonly settings: GraphBudgetSettings,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** The draw for requests of `clientId` to `tenantId`, whose size (users) is known or not. */
  forTenant(clientId: string, tenantId: string, users?: number): RequestBudget {
    const s = this.settings;
    const app = clientId.toLowerCase();
    const tenantRu = s.tenantRu ?? tenantBudgetRu(users);
    // The tenant's row sits in its own partition range, so erasing the tenant erases it.
    const tenant = this.lease({ partitionKey: `${tenantId}|budget`, rowKey: app, capacity: tenantRu, windowMs: s.tenantWindowMs });
    const all = this.lease({ partitionKey: `app|${app}`, rowKey: "budget", capacity: s.appRu, windowMs: s.appWindowMs });
    return new TenantDraw(tenant, all);
  }

  private lease(spec: BucketSpec): Lease {
    const key = `${spec.partitionKey}\u0000${spec.rowKey}\u0000${spec.capacity}\u0000${spec.windowMs}`;
    let l = this.leases.get(key);
    if (!l) {
      l = new Lease(this.store, spec, Math.min(this.settings.chunkRu, spec.capacity), this.clock, this.sleep);
      this.leases.set(key, l);
    }
    return l;
  }
}
