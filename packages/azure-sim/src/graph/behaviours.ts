import { z } from "zod";

/**
 * The strict behaviours of the simulated Graph, each one something the docs
 * say Graph may do. All default on; a test turns one off to run the lenient
 * path. Set per tenant at POST /_sim/tenants (`behaviours`) or
 * PUT /_sim/{tenant}/behaviours; read with GET.
 */
export interface Behaviours {
  /** Changed objects carry only changed properties plus id (delta-query-overview.md; user-delta.md and group-delta.md with Prefer: return=minimal). */
  readonly partialObjects: boolean;
  /** A group whose only change is membership comes back as id + members@delta (delta-query-groups.md). */
  readonly membershipOnlyGroups: boolean;
  /** Pages with no objects that still carry a nextLink (delta-query-overview.md: keep following nextLinks). */
  readonly emptyPages: boolean;
  /** Objects in no fixed order within a round (delta-query-overview.md). */
  readonly shuffle: boolean;
  /** An object repeated on a later page of the same round (delta-query-overview.md: "the same resource may be returned more than once"). */
  readonly repeats: boolean;
  /** A large group's member chunks on pages that are not adjacent (delta-query-groups.md). */
  readonly scatterMemberChunks: boolean;
  /** $select (or any query option) added to a nextLink/deltaLink refused with 400 (delta-query-overview.md: the links encode the query). */
  readonly refuseSelectOnLinks: boolean;
  /** $select of a property the v1.0 type lacks refused with 400. */
  readonly refuseUnknownSelect: boolean;
  /** Requests costed against Graph's resource-unit budgets, 429 past them (throttling-limits.md; limits at PUT /_sim/throttle). */
  readonly throttleBudget: boolean;
}

export const STRICT: Behaviours = Object.freeze({
  partialObjects: true,
  membershipOnlyGroups: true,
  emptyPages: true,
  shuffle: true,
  repeats: true,
  scatterMemberChunks: true,
  refuseSelectOnLinks: true,
  refuseUnknownSelect: true,
  throttleBudget: true,
});

/** Body of PUT /_sim/{tenant}/behaviours and `behaviours` at POST /_sim/tenants; omitted fields stay as they are (strict for a new tenant). */
export const behavioursSchema = z.strictObject({
  partialObjects: z.boolean().optional(),
  membershipOnlyGroups: z.boolean().optional(),
  emptyPages: z.boolean().optional(),
  shuffle: z.boolean().optional(),
  repeats: z.boolean().optional(),
  scatterMemberChunks: z.boolean().optional(),
  refuseSelectOnLinks: z.boolean().optional(),
  refuseUnknownSelect: z.boolean().optional(),
  throttleBudget: z.boolean().optional(),
});
export type BehavioursInput = z.infer<typeof behavioursSchema>;

/** Per-tenant behaviours; a tenant never set is strict. */
export class BehaviourStore {
  private readonly perTenant = new Map<string, Behaviours>();

  get(tenantId: string): Behaviours {
    return this.perTenant.get(tenantId) ?? STRICT;
  }

  set(tenantId: string, input: BehavioursInput): Behaviours {
    const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const next: Behaviours = Object.freeze({ ...this.get(tenantId), ...defined });
    this.perTenant.set(tenantId, next);
    return next;
  }
}

/** Every behaviour off: the kind simulator of before, for tests of one mechanism at a time. */
export const LENIENT: Behaviours = Object.freeze({
  partialObjects: false,
  membershipOnlyGroups: false,
  emptyPages: false,
  shuffle: false,
  repeats: false,
  scatterMemberChunks: false,
  refuseSelectOnLinks: false,
  refuseUnknownSelect: false,
  throttleBudget: false,
});
