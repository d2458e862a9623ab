import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { SimTenant } from "../registry.js";
import { sendGraphError } from "./errors.js";

/**
 * Graph's identity and access budgets (concepts/throttling-limits.md in
 * microsoft-graph-docs-contrib, "Identity and access service limits"):
 * "Throttling is based on a token bucket algorithm, which works by adding
 * individual costs of requests. The sum of request costs is then compared
 * against pre-determined limits. Only the requests exceeding the limits
 * will be throttled." Two scopes are kept: the application across all
 * tenants (150,000 resource units per 20 s) and the application+tenant pair
 * (S 3,500, M 5,000, L 8,000 per 10 s by the tenant's user count).
 */
export interface ThrottleLimits {
  readonly enabled: boolean;
  readonly appRu: number;
  readonly appWindowSeconds: number;
  readonly tenantRu: { readonly small: number; readonly medium: number; readonly large: number };
  readonly tenantWindowSeconds: number;
}

export const DOCUMENTED_LIMITS: ThrottleLimits = Object.freeze({
  enabled: true,
  appRu: 150_000,
  appWindowSeconds: 20,
  tenantRu: Object.freeze({ small: 3_500, medium: 5_000, large: 8_000 }),
  tenantWindowSeconds: 10,
});

/** throttling-limits.md: "S - under 50 users, M - between 50 and 500 users, and L - above 500 users." */
export function tenantSize(users: number): "small" | "medium" | "large" {
  return users < 50 ? "small" : users <= 500 ? "medium" : "large";
}

const positive = z.number().positive().max(10_000_000);
/** Body of PUT /_sim/throttle: omitted fields keep the documented values; `appId` scopes the settings to one application. */
export const throttleInputSchema = z.strictObject({
  appId: z.string().min(1).optional(),
  enabled: z.boolean().optional(),
  appRu: positive.optional(),
  appWindowSeconds: positive.optional(),
  tenantRu: z.strictObject({ small: positive.optional(), medium: positive.optional(), large: positive.optional() }).optional(),
  tenantWindowSeconds: positive.optional(),
});
export type ThrottleInput = z.infer<typeof throttleInputSchema>;

/**
 * The request's cost (throttling-limits.md): the route's base cost, "Using
 * `$select` decreases cost by 1", "Using `$expand` increases cost by 1",
 * "Using `$top` with a value of less than 20 decreases cost by 1", and "A
 * request cost can never be lower than 1".
 */
export function requestCost(base: number, url: URL): number {
  const q = (name: string) => url.searchParams.get(`$${name}`) ?? url.searchParams.get(name);
  const top = Number(q("top") ?? Number.NaN);
  const cost = base - (q("select") !== null ? 1 : 0) + (q("expand") !== null ? 1 : 0) - (Number.isFinite(top) && top < 20 ? 1 : 0);
  return Math.max(1, cost);
}

/** What the budget says of one request. */
export type BudgetVerdict =
  | { readonly ok: true; readonly percentage: number }
  | { readonly ok: false; readonly percentage: number; readonly retryAfterSeconds: number; readonly scope: "Tenant_Application" | "Application" };

interface Usage {
  used: number;
  at: number;
}

/**
 * throttling-limits.md: x-ms-throttle-limit-percentage "ranges from 0.8 to
 * 1.8": usage runs past the limit because throttled requests are counted
 * too (concepts/throttling.md: "all requests accrue against your usage
 * limits"; Graph "continues to log resource usage while a client is being
 * throttled").
 */
const MAX_USAGE = 1.8;
/** Scopes kept before the drained ones are forgotten. */
const MAX_SCOPES = 200_000;

/** Both budgets of every application, as leaky buckets of used resource units. */
export class ThrottleBudget {
  private defaults: ThrottleLimits = DOCUMENTED_LIMITS;
  private readonly perApp = new Map<string, ThrottleLimits>();
  private readonly usage = new Map<string, Usage>();

  /** Sets the limits (of one app with `appId`, else the default of the others) and forgets what they used. */
  set(input: ThrottleInput): ThrottleLimits {
    const { appId, tenantRu, ...rest } = input;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const limits: ThrottleLimits = Object.freeze({ ...DOCUMENTED_LIMITS, ...defined, tenantRu: Object.freeze({ ...DOCUMENTED_LIMITS.tenantRu, ...stripUndefined(tenantRu ?? {}) }) });
    if (appId === undefined) {
      this.defaults = limits;
      this.usage.clear();
      return limits;
    }
    this.perApp.set(appId, limits);
    for (const key of this.usage.keys()) if (key.split("\u0000")[1] === appId) this.usage.delete(key);
    return limits;
  }

  limitsFor(appId: string | undefined): ThrottleLimits {
    return (appId !== undefined && this.perApp.get(appId)) || this.defaults;
  }

  /** Resource units in use now in a scope (0 when unknown). */
  used(key: string, limit: number, windowMs: number, now: number): number {
    const u = this.usage.get(key);
    // Regression: a sim clock set back (tests move it for token expiry) read as negative time and filled the budget.
    return u ? Math.max(0, u.used - (Math.max(0, now - u.at) * limit) / windowMs) : 0;
  }

  /** Costs one request against the app's and the app+tenant's budgets; a throttled request is counted too. */
  charge(appId: string, tenantId: string, users: number, cost: number, now: number): BudgetVerdict {
    const l = this.limitsFor(appId);
    if (!l.enabled) return { ok: true, percentage: 0 };
    const scopes = [
      { key: `app\u0000${appId}`, limit: l.appRu, windowMs: l.appWindowSeconds * 1000, scope: "Application" as const },
      { key: `tenant\u0000${appId}\u0000${tenantId}`, limit: l.tenantRu[tenantSize(users)], windowMs: l.tenantWindowSeconds * 1000, scope: "Tenant_Application" as const },
    ].map((s) => ({ ...s, level: this.used(s.key, s.limit, s.windowMs, now) }));
    const over = scopes.filter((s) => s.level + cost > s.limit);
    if (this.usage.size > MAX_SCOPES) this.forgetDrained(now);
    let percentage = 0;
    let retryAfterSeconds = 0;
    for (const s of scopes) {
      const used = Math.min(MAX_USAGE * s.limit, s.level + cost);
      this.usage.set(s.key, { used, at: now });
      percentage = Math.max(percentage, used / s.limit);
      // The wait until this request, sent again, fits: its cost on top of what is used then.
      if (over.includes(s)) retryAfterSeconds = Math.max(retryAfterSeconds, ((used + cost - s.limit) * s.windowMs) / s.limit / 1000);
    }
    const worst = over.sort((a, b) => b.level / b.limit - a.level / a.limit)[0];
    if (!worst) return { ok: true, percentage };
    // Graph's Retry-After is whole seconds (concepts/throttling.md samples); never 0 for a throttled request.
    return { ok: false, percentage, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)), scope: worst.scope };
  }

  private forgetDrained(now: number): void {
    for (const [key, u] of this.usage) if (now - u.at > 60 * 60_000) this.usage.delete(key);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** throttling-limits.md: x-ms-throttle-limit-percentage is "Returned only when the application consumed more than 0.8 of its limit." */
const PERCENTAGE_FROM = 0.8;

/**
 * Charges the request to its budgets and sets x-ms-resource-unit and, near
 * the limit, x-ms-throttle-limit-percentage; over a limit answers 429 with
 * Retry-After, x-ms-throttle-scope and x-ms-throttle-information
 * (throttling-limits.md, "Additional headers") and returns true. `budgeted`
 * false (the tenant's lenient switch) charges nothing.
 */
export function throttleRequest(
  budget: ThrottleBudget,
  req: IncomingMessage,
  res: ServerResponse,
  who: { readonly appId: string; readonly tenant: SimTenant; readonly budgeted: boolean },
  cost: number,
  now: number,
): boolean {
  res.setHeader("x-ms-resource-unit", String(cost));
  if (!who.budgeted) return false;
  const v = budget.charge(who.appId, who.tenant.tenantId, who.tenant.directory.table("users").size, cost, now);
  const headers: Record<string, string> = v.percentage > PERCENTAGE_FROM ? { "x-ms-throttle-limit-percentage": v.percentage.toFixed(2) } : {};
  if (v.ok) {
    for (const [k, value] of Object.entries(headers)) res.setHeader(k, value);
    return false;
  }
  // `<Scope>/<Limit>/<ApplicationId>/<TenantId>`; this budget counts every request, so the limit is ReadWrite.
  sendGraphError(req, res, 429, "TooManyRequests", "Please retry again later.", {
    ...headers,
    "Retry-After": String(v.retryAfterSeconds),
    "x-ms-throttle-scope": `${v.scope}/ReadWrite/${who.appId}/${who.tenant.tenantId}`,
    "x-ms-throttle-information": "ResourceUnitLimitExceeded",
  });
  return true;
}
