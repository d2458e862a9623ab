import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { retryAfterMs } from "../retry.js";
import type { RequestBudget } from "./graph-budget.js";
import { estimateBatchCost, estimateCost } from "./request-cost.js";

const positive = (raw: string | null | undefined): number | undefined => {
  const n = Number(raw ?? "");
  return raw && Number.isFinite(n) && n > 0 ? n : undefined;
};

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
    const estimated = batch ? estimateBatchCost(context.options?.body) : estimateCost(method, url);
    await this.budget.reserve(estimated);
    try {
      await this.next.execute(context);
    } catch (err) {
      // A dropped connection may still have been counted: keep the estimate spent.
      this.budget.settle(estimated, {});
      throw err;
    }
    const h = context.response?.headers;
    this.budget.settle(estimated, {
      // A $batch's own answer carries no per-request cost: its estimate stands.
      cost: batch ? undefined : positive(h?.get("x-ms-resource-unit")),
      percentage: positive(h?.get("x-ms-throttle-limit-percentage")),
      retryAfterMs: context.response?.status === 429 ? retryAfterMs(h?.get("retry-after") ?? null) : undefined,
    });
  }
}
