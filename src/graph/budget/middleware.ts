import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { retryAfterMs } from "../retry.js";
import type { RequestBudget } from "./graph-budget.js";
import { estimateBatchCost, estimateCost } from "./request-cost.js";

const positive = (raw: string | null | undefined): number | undefined => {
  const n = Number(raw ?? "");
  return raw && Number.isFinite(n) && n > 0 ? n : undefined;
};

/** Request shapes (method, path with IDs out, query option names) and what Graph last charged for one. */
const learned = new Map<string, number>();
const MAX_SHAPES = 1_000;

function shapeOf(method: string, url: string): string {
  const u = new URL(url, "https://graph.invalid/v1.0/");
  const path = u.pathname.split("/").map((s) => (/^[0-9a-f-]{36}$/i.test(s) || /^\d+$/.test(s) ? "{id}" : s)).join("/");
  return `${method} ${path}?${[...u.searchParams.keys()].sort().join("&")}`;
}

/**
 * Draws each request's resource units from the shared budget before it is
 * sent, and settles them by the answer's x-ms-resource-unit. It sits after
 * the retry middleware, so every attempt is drawn: "all requests accrue
 * against your usage limits" (concepts/throttling.md). A `$batch` draws
 * what its requests cost (concepts/json-batching.md).
 */
export class GraphBudgetMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly budget: RequestBudget) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error("GraphBudgetMiddleware has no next middleware");
    // RequestInfo: a URL string or a fetch Request.
    const req = context.request as unknown as string | { readonly url: string; readonly method: string };
    const url = typeof req === "string" ? req : req.url;
    const method = context.options?.method ?? (typeof req === "string" ? "GET" : req.method);
    const batch = /\/\$batch$/.test(new URL(url).pathname);
    // The doc's table, or what Graph charged the last request of this shape when that was more (a cost the doc does not list).
    const shape = batch ? undefined : shapeOf(method, url);
    const estimated = batch ? estimateBatchCost(context.options?.body) : Math.max(estimateCost(method, url), learned.get(shape ?? "") ?? 0);
    await this.budget.reserve(estimated);
    try {
      await this.next.execute(context);
    } catch (err) {
      // A dropped connection may still have been counted: keep the estimate spent.
      await this.budget.settle(estimated, {});
      throw err;
    }
    const res = context.response;
    const h = res?.headers;
    const scope = h?.get("x-ms-throttle-scope")?.split("/")[0];
    const charged = positive(h?.get("x-ms-resource-unit"));
    if (shape !== undefined && charged !== undefined && (learned.size < MAX_SHAPES || learned.has(shape))) learned.set(shape, charged);
    await this.budget.settle(estimated, {
      // A $batch's own answer carries no per-request cost: its estimate stands.
      cost: batch ? undefined : charged,
      percentage: positive(h?.get("x-ms-throttle-limit-percentage")),
      retryAfterMs: res?.status === 429 ? (retryAfterMs(h?.get("retry-after") ?? null) ?? 1000) : batch && res?.ok ? await batchRetryAfter(res) : undefined,
      scope: scope === "Application" || scope === "Tenant_Application" ? scope : undefined,
    });
  }
}

/**
 * The longest Retry-After of the requests a $batch answer says were
 * throttled: "Requests in a batch are evaluated individually against
 * throttling limits" and answer 429 inside a 200 (concepts/json-batching.md).
 * Read from a copy: the body stays for the SDK.
 */
async function batchRetryAfter(res: Response): Promise<number | undefined> {
  let body: unknown;
  try {
    body = await res.clone().json();
  } catch {
    return undefined;
  }
  const responses = typeof body === "object" && body !== null && Array.isArray((body as { responses?: unknown }).responses) ? ((body as { responses: unknown[] }).responses) : [];
  let wait: number | undefined;
  for (const r of responses) {
    if (typeof r !== "object" || r === null || (r as { status?: unknown }).status !== 429) continue;
    const headers = (r as { headers?: unknown }).headers;
    const raw: unknown = typeof headers === "object" && headers !== null ? Object.entries(headers as Record<string, unknown>).find(([k]) => k.toLowerCase() === "retry-after")?.[1] : undefined;
    const ms = retryAfterMs(typeof raw === "string" || typeof raw === "number" ? String(raw) : null) ?? 1000;
    wait = Math.max(wait ?? 0, ms);
  }
  return wait;
}
