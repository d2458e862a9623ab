import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { batchGet, BatchAnswerMismatch, relativeToVersion } from "../../src/graph/batch.js";
import { createGraphClient } from "../../src/graph/client.js";
import { graphPageSource } from "../../src/sync/graph-source.js";

interface Item {
  readonly id: string;
  readonly method: string;
  readonly url: string;
}
type Answer = { id: string; status: number; headers?: Record<string, string>; body?: unknown };

/** A fake HTTP transport for POST /$batch: each call's items go to `answer`, which returns the responses. */
function batchTransport(answer: (items: Item[], call: number) => Answer[]): Middleware & { calls: Item[][]; urls: string[] } {
  const calls: Item[][] = [];
  const urls: string[] = [];
  return {
    calls,
    urls,
    execute(ctx: Context) {
      urls.push(String(ctx.request));
      const raw = ctx.options?.body;
      const body = JSON.parse(typeof raw === "string" ? raw : "{}") as { requests: Item[] };
      calls.push(body.requests);
      ctx.response = new Response(JSON.stringify({ responses: answer(body.requests, calls.length) }), { status: 200, headers: { "content-type": "application/json" } });
      return Promise.resolve();
    },
  };
}

const staticToken = { getToken: () => Promise.resolve({ token: "tok", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const endpoints = { authorityHost: "https://login.example.test", graphBaseUrl: "https://graph.example.test" };
const postVia = (transport: Middleware) => {
  const source = graphPageSource(createGraphClient(staticToken, endpoints, { transport, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } }));
  return (path: string, body: unknown) => source.post!(path, body);
};
const ok = (i: Item): Answer => ({ id: i.id, status: 200, body: { value: [{ id: `a-${i.url}` }] } });
const urls = (n: number) => Array.from({ length: n }, (_, k) => `/servicePrincipals/sp${k}/appRoleAssignedTo`);

describe("$batch client (fake transport)", () => {
  it("sends at most 20 requests a batch to /v1.0/$batch and matches answers by id, whatever their order", async () => {
    const transport = batchTransport((items) => items.map(ok).reverse());
    const answers = await batchGet(postVia(transport), urls(45));
    expect(transport.calls.map((c) => c.length)).toEqual([20, 20, 5]);
    expect(transport.urls.every((u) => u === "https://graph.example.test/v1.0/$batch")).toBe(true);
    expect(transport.calls[0]?.[0]).toEqual({ id: "0", method: "GET", url: "/servicePrincipals/sp0/appRoleAssignedTo" });
    expect(answers.map((a) => (a.body as { value: Array<{ id: string }> }).value[0]?.id)).toEqual(urls(45).map((u) => `a-${u}`));
  });

  it("retries a 429 inside a batch after its own Retry-After, and a 503 after a backoff, sending only those again", async () => {
    const delays: number[] = [];
    const reasons: string[] = [];
    const transport = batchTransport((items, call) =>
      items.map((i) => {
        if (call === 1 && i.id === "3") return { id: i.id, status: 429, headers: { "Retry-After": "1.5" }, body: { error: { code: "TooManyRequests", message: "slow down" } } };
        if (call === 1 && i.id === "7") return { id: i.id, status: 503, body: { error: { code: "serviceNotAvailable", message: "busy" } } };
        return ok(i);
      }),
    );
    const answers = await batchGet(postVia(transport), urls(10), {
      retry: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 100 },
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
      events: { onRetry: (r) => reasons.push(r) },
    });
    expect(transport.calls.map((c) => c.map((i) => i.id))).toEqual([["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], ["3", "7"]]);
    // One wait for the batch: the longest asked (1.5 s) covers the 503's backoff.
    expect(delays).toEqual([1500]);
    expect(reasons.sort()).toEqual(["server", "throttled"]);
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });

  it("hands back 404 and 403 answers as they are, and a 429 that outlasts the retries", async () => {
    const transport = batchTransport((items) =>
      items.map((i) =>
        i.id === "0"
          ? { id: i.id, status: 404, body: { error: { code: "Request_ResourceNotFound", message: "gone" } } }
          : i.id === "1"
            ? { id: i.id, status: 403, body: { error: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." } } }
            : { id: i.id, status: 429, headers: { "retry-after": "0" } },
      ),
    );
    const answers = await batchGet(postVia(transport), urls(3), { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 }, sleep: () => Promise.resolve() });
    expect(answers.map((a) => a.status)).toEqual([404, 403, 429]);
    // The 429 went three times (first try and two retries); the others once.
    expect(transport.calls.map((c) => c.length)).toEqual([3, 1, 1]);
  });

  it("a Retry-After past the longest wait is not waited for: the answer goes back at once", async () => {
    const transport = batchTransport((items) => items.map((i) => ({ id: i.id, status: 429, headers: { "Retry-After": "86400" } })));
    const answers = await batchGet(postVia(transport), urls(1), { retry: { maxRetries: 5, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 60_000 }, sleep: () => Promise.reject(new Error("must not wait")) });
    expect(answers[0]?.status).toBe(429);
    expect(transport.calls).toHaveLength(1);
  });

  it("a request left unanswered is sent again; an answer given twice is Graph's fault", async () => {
    const missing = batchTransport((items, call) => items.filter((i) => call > 1 || i.id !== "1").map(ok));
    const answers = await batchGet(postVia(missing), urls(2), { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 }, sleep: () => Promise.resolve() });
    expect(missing.calls.map((c) => c.map((i) => i.id))).toEqual([["0", "1"], ["1"]]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const twice = batchTransport((items) => [...items.map(ok), ...items.map(ok)]);
    await expect(batchGet(postVia(twice), urls(2))).rejects.toBeInstanceOf(BatchAnswerMismatch);
  });

  it("turns a nextLink into a batch URL relative to the version", () => {
    expect(relativeToVersion("https://graph.microsoft.com/v1.0/servicePrincipals/x/appRoleAssignedTo?$skiptoken=abc&$top=999")).toBe("/servicePrincipals/x/appRoleAssignedTo?$skiptoken=abc&$top=999");
  });
});
