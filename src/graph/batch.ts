import { DEFAULT_RETRY, retryAfterMs, type RetryEvents, type RetryPolicy } from "./retry.js";

/** concepts/json-batching.md: "JSON batch requests are currently limited to 20 individual requests." */
export const MAX_BATCH_REQUESTS = 20;

/** POSTs a JSON body to a path under the Graph version and returns the parsed answer. */
export type GraphPost = (path: string, body: unknown) => Promise<unknown>;

/** One request's final answer inside a batch. */
export interface BatchAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface BatchOptions {
  readonly retry?: RetryPolicy;
  readonly events?: RetryEvents;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Graph's answer to a batch held a request twice, or none for one sent: a fault of Graph's, not of the caller. */
export class BatchAnswerMismatch extends Error {
  override readonly name = "BatchAnswerMismatch";
}

interface ItemAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: unknown;
}

const RETRIABLE = new Set([429, 500, 502, 503, 504]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The `responses` of a batch by id: "responses might appear in a different order than the requests" (concepts/json-batching.md). */
function answersOf(raw: unknown): Map<string, ItemAnswer> {
  const out = new Map<string, ItemAnswer>();
  const list = isRecord(raw) && Array.isArray(raw.responses) ? (raw.responses as unknown[]) : [];
  for (const r of list) {
    if (!isRecord(r) || typeof r.id !== "string" || typeof r.status !== "number") continue;
    if (out.has(r.id)) throw new BatchAnswerMismatch(`Graph's $batch answer held request ${r.id} twice`);
    // Header names are case-insensitive (RFC 9110 §5.1).
    const headers = isRecord(r.headers) ? r.headers : {};
    const retryAfter = Object.entries(headers).find(([k]) => k.toLowerCase() === "retry-after")?.[1];
    out.set(r.id, { status: r.status, retryAfter: typeof retryAfter === "string" || typeof retryAfter === "number" ? String(retryAfter) : null, body: r.body });
  }
  return out;
}

/**
 * GETs each URL (relative to the Graph version) through `$batch`, at most 20
 * to a batch. Each request inside a batch is throttled on its own and may
 * answer 429 with its own Retry-After while the batch answers 200
 * (concepts/json-batching.md, concepts/throttling.md): such a request, or
 * one answered 5xx, goes again in a later batch after the longest wait its
 * batch asked for (or a backoff), up to the policy's retries. Answers are
 * matched by id. Returns the final answer of every URL, in the order given;
 * a 4xx (403, 404…) is the caller's to read.
 */
export async function batchGet(post: GraphPost, urls: readonly string[], options: BatchOptions = {}): Promise<BatchAnswer[]> {
  const policy = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxAsked = policy.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs ?? 120_000;
  const out: (BatchAnswer | undefined)[] = urls.map(() => undefined);
  let pending = urls.map((_, i) => i);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const again: number[] = [];
    let wait = 0;
    for (let k = 0; k < pending.length; k += MAX_BATCH_REQUESTS) {
      const chunk = pending.slice(k, k + MAX_BATCH_REQUESTS);
      const raw = await post("/$batch", { requests: chunk.map((i) => ({ id: String(i), method: "GET", url: urls[i] })) });
      const answers = answersOf(raw);
      for (const i of chunk) {
        const a = answers.get(String(i));
        const last = attempt >= policy.maxRetries;
        if (!a) {
          if (last) throw new BatchAnswerMismatch(`Graph's $batch answer held no response for ${urls[i]}`);
          again.push(i);
          wait = Math.max(wait, backoff(policy, attempt));
          continue;
        }
        const asked = retryAfterMs(a.retryAfter);
        if (RETRIABLE.has(a.status) && !last && !(asked !== undefined && asked > maxAsked)) {
          const delay = asked ?? backoff(policy, attempt);
          options.events?.onRetry?.(a.status === 429 ? "throttled" : "server", attempt + 1, delay);
          again.push(i);
          wait = Math.max(wait, delay);
          continue;
        }
        out[i] = { status: a.status, body: a.body };
      }
    }
    pending = again;
    if (pending.length > 0) await sleep(wait);
  }
  return out.map((a, i) => {
    if (!a) throw new BatchAnswerMismatch(`no answer for ${urls[i]}`);
    return a;
  });
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  // Full jitter, as GraphRetryMiddleware does.
  return exp / 2 + Math.random() * (exp / 2);
}

/** A batch item's path: a nextLink is absolute, a batch URL is relative to the version (concepts/json-batching.md). */
export function relativeToVersion(link: string): string {
  const u = new URL(link, "https://graph.invalid");
  const path = u.pathname.replace(/^\/(v1\.0|beta)(?=\/)/, "");
  return `${path}${u.search}`;
}
