import { z } from "zod";
import { stableUnit } from "../ids.js";

export type FaultKind = "429" | "503" | "drop" | ScriptedErrorKind;

/**
 * Errors a test scripts for the next delta requests: sync-state codes nested
 * in the innerError chain ("loop over the innererror objects", concepts/errors.md),
 * and a Conditional Access 403 ("HTTP 403; Forbidden error=insufficient_claims",
 * concepts/errors.md) that is no missing permission.
 */
export type ScriptedErrorKind = "syncStateNotFound" | "resyncRequired" | "conditionalAccess";
export interface ScriptedError {
  readonly kind: ScriptedErrorKind;
  /** Only delta requests on this resource (e.g. "users"); any when absent. */
  readonly resource?: string;
  /** How many requests it answers (default 1). */
  readonly times?: number;
  /** How deep in the innerError chain the code sits (1: error.innerError.code). */
  readonly depth?: number;
}

export interface FaultSettings {
  readonly seed: number;
  /** Probability per request of a 429 with Retry-After. */
  readonly rate429: number;
  readonly rate503: number;
  /** Probability of destroying the socket without an answer. */
  readonly rateDrop: number;
  /** Added to every /v1.0 request, faulted or not. */
  readonly latencyMs: number;
  /**
   * Added per object a response returns (its `value` items), after the route
   * built it: the bench's latency model of base + per-object cost, so a
   * 999-object page costs more than a 200-object one. 0 by default.
   */
  readonly latencyPerObjectMs?: number;
  /** Retry-After on 429 and 503; fractional seconds allowed, as Graph sends them. */
  readonly retryAfterSeconds: number;
  /** Scripted error answers for delta requests, used up in order. */
  readonly errors?: readonly ScriptedError[];
}

export const NO_FAULTS: FaultSettings = Object.freeze({ seed: 0, rate429: 0, rate503: 0, rateDrop: 0, latencyMs: 0, retryAfterSeconds: 0.1 });

const rate = z.number().min(0).max(1);
/** Body of PUT /_sim/faults; omitted fields take NO_FAULTS values, so `{}` resets. */
export const faultSettingsSchema = z
  .strictObject({
    seed: z.number().int().optional(),
    rate429: rate.optional(),
    rate503: rate.optional(),
    rateDrop: rate.optional(),
    latencyMs: z.number().min(0).max(60_000).optional(),
    latencyPerObjectMs: z.number().min(0).max(1_000).optional(),
    retryAfterSeconds: z.number().min(0).max(3600).optional(),
    errors: z
      .array(
        z.strictObject({
          kind: z.enum(["syncStateNotFound", "resyncRequired", "conditionalAccess"]),
          resource: z.string().min(1).optional(),
          times: z.number().int().min(1).max(1000).optional(),
          depth: z.number().int().min(1).max(5).optional(),
        }),
      )
      .optional(),
  })
  .refine((s) => (s.rate429 ?? 0) + (s.rate503 ?? 0) + (s.rateDrop ?? 0) <= 1, "rates add up to more than 1");

export interface FaultDecision {
  readonly fault: FaultKind | null;
  readonly settings: FaultSettings;
}

/** Distinct request keys remembered before the counters start over. */
const MAX_KEYS = 2_000_000;

/**
 * Seeded fault injection. A decision hashes (seed, method, URL, n) where n
 * counts the tenant's earlier requests of that exact URL, so a retry draws
 * afresh (and eventually passes) while interleaving with other streams or
 * tenants changes nothing. Callers pass a canonical URL (no timestamps or
 * tenant IDs inside tokens) so a run replays across processes.
 */
export class FaultInjector {
  private global: FaultSettings = NO_FAULTS;
  private readonly perTenant = new Map<string, FaultSettings>();
  private readonly seen = new Map<string, number>();
  /** Scripted errors still to answer, per tenant ("-": global), each with its remaining count. */
  private readonly scripted = new Map<string, Array<{ error: ScriptedError; left: number }>>();

  set(input: Partial<FaultSettings>, tenantId?: string): FaultSettings {
    const settings: FaultSettings = Object.freeze({ ...NO_FAULTS, ...input });
    if (tenantId === undefined) this.global = settings;
    else this.perTenant.set(tenantId, settings);
    this.seen.clear();
    this.scripted.set(tenantId ?? "-", (settings.errors ?? []).map((error) => ({ error, left: error.times ?? 1 })));
    return settings;
  }

  /** The scripted error that answers this delta request, if any is left; uses one up. */
  takeScripted(tenantId: string, resource: string): ScriptedError | undefined {
    for (const key of [tenantId, "-"]) {
      const queue = this.scripted.get(key);
      const hit = queue?.find((q) => q.left > 0 && (q.error.resource === undefined || q.error.resource === resource));
      if (hit) {
        hit.left--;
        return hit.error;
      }
    }
    return undefined;
  }

  /** Drops a tenant's own settings; it follows the global ones again. */
  clear(tenantId: string): void {
    this.perTenant.delete(tenantId);
    this.scripted.delete(tenantId);
    this.seen.clear();
  }

  settingsFor(tenantId: string | null): FaultSettings {
    return (tenantId !== null && this.perTenant.get(tenantId)) || this.global;
  }

  decide(tenantId: string | null, method: string, url: string): FaultDecision {
    const settings = this.settingsFor(tenantId);
    const total = settings.rate429 + settings.rate503 + settings.rateDrop;
    if (total <= 0) return { fault: null, settings };
    const key = `${tenantId ?? "-"}\u0000${method}\u0000${url}`;
    const n = this.seen.get(key) ?? 0;
    if (this.seen.size >= MAX_KEYS) this.seen.clear();
    this.seen.set(key, n + 1);
    const u = stableUnit(settings.seed, method, url, n);
    if (u < settings.rate429) return { fault: "429", settings };
    if (u < settings.rate429 + settings.rate503) return { fault: "503", settings };
    if (u < total) return { fault: "drop", settings };
    return { fault: null, settings };
  }
}
