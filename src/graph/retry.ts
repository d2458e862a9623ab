import type { Context, Middleware } from "@microsoft/microsoft-graph-client";

export interface RetryPolicy {
  /** Attempts after the first; past them the error or response goes to the caller. */
  readonly maxRetries: number;
  /** Base of the exponential backoff when Graph gives no Retry-After. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * The longest Retry-After obeyed. Past it the response goes to the caller
   * at once: the stream fails and the orchestration retries it later, so a
   * `Retry-After: 86400` cannot hold an activity for a day.
   */
  readonly maxRetryAfterMs?: number;
}

const MAX_RETRY_AFTER_MS = 120_000;

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ maxRetries: 8, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: MAX_RETRY_AFTER_MS });

export interface RetryEvents {
  onRetry?(reason: "throttled" | "server" | "network", attempt: number, delayMs: number): void;
}

const RETRIABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** Retry-After in seconds, possibly fractional, or an HTTP date (concepts/throttling.md in microsoft-graph-docs-contrib; RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Retries 429 (after Retry-After), 5xx and dropped connections with
 * backoff. The SDK's RetryHandler covers only 429/503/504 and never a
 * dropped connection, so this takes its place in the chain.
 */
export class GraphRetryMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
    private readonly events: RetryEvents = {},
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt);
    // Full jitter keeps parallel streams from retrying in step.
    return exp / 2 + Math.random() * (exp / 2);
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error("GraphRetryMiddleware has no next middleware");
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      try {
        await this.next.execute(context);
      } catch (err) {
        failure = err;
      }
      const last = attempt >= this.policy.maxRetries;
      if (failure !== undefined) {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what the transport threw, unchanged
        if (last) throw failure;
        const delay = this.backoff(attempt);
        this.events.onRetry?.("network", attempt + 1, delay);
        await this.sleep(delay);
        continue;
      }
      const status = context.response?.status ?? 0;
      if (!RETRIABLE_STATUS.has(status) || last) return;
      const asked = retryAfterMs(context.response?.headers.get("retry-after") ?? null);
      if (asked !== undefined && asked > (this.policy.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS)) return;
      const delay = asked ?? this.backoff(attempt);
      // Drain the body so the connection can be reused.
      await context.response?.arrayBuffer().catch(() => undefined);
      this.events.onRetry?.(status === 429 ? "throttled" : "server", attempt + 1, delay);
      await this.sleep(delay);
    }
  }
}
