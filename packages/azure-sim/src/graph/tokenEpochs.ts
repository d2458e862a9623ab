/** What happens to delta tokens issued before an invalidation. */
export type TokenInvalidation = "expire" | "reset";

/** Directory delta tokens live 7 days (concepts/delta-query-overview.md). */
export const TOKEN_LIFETIME_MS = 7 * 86_400_000;

/**
 * Per-tenant delta-token generations. Invalidating starts a new epoch;
 * a token of an older epoch answers as the first invalidation after it
 * dictates (expire → 400 syncStateNotFound, reset → 410 resyncRequired).
 */
export class TokenEpochs {
  private readonly actions = new Map<string, Array<{ epoch: number; what: TokenInvalidation }>>();

  current(tenantId: string): number {
    return this.actions.get(tenantId)?.at(-1)?.epoch ?? 0;
  }

  invalidate(tenantId: string, what: TokenInvalidation): number {
    const list = this.actions.get(tenantId) ?? [];
    const epoch = this.current(tenantId) + 1;
    list.push({ epoch, what });
    this.actions.set(tenantId, list);
    return epoch;
  }

  /** Null when a token of (epoch, issued at) is still good at `now`. */
  check(tenantId: string, epoch: number, issuedAt: number, now: number): TokenInvalidation | null {
    const current = this.current(tenantId);
    if (epoch > current) return "expire";
    if (epoch < current) return this.actions.get(tenantId)?.find((a) => a.epoch > epoch)?.what ?? "expire";
    return now - issuedAt > TOKEN_LIFETIME_MS ? "expire" : null;
  }
}
