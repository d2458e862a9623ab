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

/**
 * The share of Graph's limits the buckets grant. A request's cost is known
 * only from its answer (x-ms-resource-unit) and a $batch is up to 20
 * requests in one lump, so a budget run at exactly the limit trips it;
 * Graph then counts the throttled requests too (concepts/throttling.md).
 */
export const BUDGET_SHARE = 0.9;

/** What Graph's answer said of the budget. */
export interface BudgetAnswer {
  /** x-ms-resource-unit, when sent. */
  readonly cost?: number | undefined;
  /** x-ms-throttle-limit-percentage, when sent. */
  readonly percentage?: number | undefined;
  /** A 429's (or a 429 inside a $batch) Retry-After. */
  readonly retryAfterMs?: number | undefined;
  /** x-ms-throttle-scope's scope, when sent: which budget Graph found spent. */
  readonly scope?: "Application" | "Tenant_Application" | undefined;
}

/** What a Graph client draws from before each request, and settles after it. */
export interface RequestBudget {
  /** Resolves once `cost` resource units are held for the request; waits for the refill when the budget is short. */
  reserve(cost: number): Promise<void>;
  /** After the answer: charges its real cost, slows near the limit, and after a 429 drains the budget for its Retry-After. */
  settle(estimated: number, answer: BudgetAnswer): Promise<void>;
}

/**
 * x-ms-throttle-limit-percentage past which the draws stop a while. Graph
 * sends it from 0.8 of the limit, and a budget drawn at its refill rate
 * runs near 1.0 by design; past 1.0 Graph counts more than this budget
 * let through (another client of the app, a cost above its estimate).
 */
const SLOW_FROM = 1;

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

  /** Graph throttled this scope: what is held here goes, and the table bucket is drained for `ms`, for every instance. */
  async throttled(ms: number): Promise<void> {
    this.held = Math.min(this.held, 0);
    this.pauseFor(ms);
    await this.store.drain(this.spec, ms);
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

  async settle(estimated: number, answer: BudgetAnswer): Promise<void> {
    const extra = (answer.cost ?? estimated) - estimated;
    this.tenant.spend(extra);
    this.app.spend(extra);
    // Graph counts usage we did not: wait until its excess has drained…
    const p = answer.percentage;
    if (p !== undefined && p > SLOW_FROM) this.tenant.pauseFor((p - SLOW_FROM) * this.tenant.spec.windowMs);
    // …and past it stop for as long as the 429 says ("limits any further requests from that client for a period of time",
    // concepts/throttling.md). Graph counts throttled requests too, so drawing on at the refill rate would keep it over.
    const wait = answer.retryAfterMs;
    if (wait === undefined) return;
    await Promise.all([
      answer.scope !== "Application" ? this.tenant.throttled(wait) : undefined,
      answer.scope !== "Tenant_Application" ? this.app.throttled(wait) : undefined,
    ]);
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
    // The same refill per ms as Graph's limit, scaled by BUDGET_SHARE.
    const tenant = this.lease({ partitionKey: `${tenantId}|budget`, rowKey: app, capacity: tenantRu * BUDGET_SHARE, windowMs: s.tenantWindowMs });
    const all = this.lease({ partitionKey: `app|${app}`, rowKey: "budget", capacity: s.appRu * BUDGET_SHARE, windowMs: s.appWindowMs });
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
