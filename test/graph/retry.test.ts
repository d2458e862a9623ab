import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { createGraphClient } from "../../src/graph/client.js";
import { GraphRetryMiddleware, retryAfterMs } from "../../src/graph/retry.js";

/** A fake transport: answers from a script, records what it was asked. */
function scripted(steps: Array<Response | Error>): Middleware & { calls: Array<{ url: string; auth: string | null }> } {
  const calls: Array<{ url: string; auth: string | null }> = [];
  return {
    calls,
    async execute(ctx: Context) {
      const headers = new Headers(ctx.options?.headers);
      calls.push({ url: String(ctx.request), auth: headers.get("authorization") });
      const step = steps.shift();
      if (!step) throw new Error("script exhausted");
      if (step instanceof Error) throw step;
      ctx.response = step;
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const staticToken = { getToken: async () => ({ token: "tok", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const endpoints = { authorityHost: "https://login.example.test", graphBaseUrl: "https://graph.example.test" };

describe("Graph retry middleware (fake transport)", () => {
  it("waits Retry-After on a 429, backs off on 503 and a dropped connection, then returns the page", async () => {
    const delays: number[] = [];
    const reasons: string[] = [];
    const transport = scripted([
      json(429, { error: { code: "TooManyRequests" } }, { "retry-after": "2.128" }),
      json(503, { error: { code: "ServiceUnavailable" } }),
      new TypeError("fetch failed: socket hang up"),
      json(200, { value: [{ id: "1" }] }),
    ]);
    const mw = new GraphRetryMiddleware({ maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 }, { onRetry: (r) => reasons.push(r) }, async (ms) => {
      delays.push(ms);
    });
    mw.setNext(transport);
    const ctx: Context = { request: "https://graph.example.test/v1.0/users", options: { method: "GET" } };
    await mw.execute(ctx);
    expect(ctx.response?.status).toBe(200);
    expect(transport.calls).toHaveLength(4);
    expect(reasons).toEqual(["throttled", "server", "network"]);
    expect(delays[0]).toBe(2128);
    // Second attempt: half to all of 100 ms × 2¹, jittered.
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
  });

  it("gives up after the bounded retries and hands back the last answer", async () => {
    const transport = scripted(Array.from({ length: 4 }, () => json(503, { error: { code: "ServiceUnavailable", message: "busy" } })));
    const mw = new GraphRetryMiddleware({ maxRetries: 3, baseDelayMs: 1, maxDelayMs: 1 }, {}, async () => undefined);
    mw.setNext(transport);
    const ctx: Context = { request: "https://graph.example.test/v1.0/users", options: { method: "GET" } };
    await mw.execute(ctx);
    expect(ctx.response?.status).toBe(503);
    expect(transport.calls).toHaveLength(4);
  });

  it("rethrows a dropped connection that outlasts the retries", async () => {
    const transport = scripted([new Error("ECONNRESET"), new Error("ECONNRESET")]);
    const mw = new GraphRetryMiddleware({ maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 }, {}, async () => undefined);
    mw.setNext(transport);
    await expect(mw.execute({ request: "https://graph.example.test/v1.0/users" })).rejects.toThrow("ECONNRESET");
  });

  it("sends the bearer token to a custom Graph host through the whole client", async () => {
    const transport = scripted([json(200, { value: [], "@odata.deltaLink": "https://graph.example.test/v1.0/users/delta?$deltatoken=x" })]);
    const client = createGraphClient(staticToken, endpoints, { transport });
    const page = (await client.api("/users/delta").get()) as { "@odata.deltaLink": string };
    expect(page["@odata.deltaLink"]).toContain("$deltatoken=x");
    expect(transport.calls[0]).toEqual({ url: "https://graph.example.test/v1.0/users/delta", auth: "Bearer tok" });
  });

  it("reads Retry-After as seconds or as a date", () => {
    expect(retryAfterMs("0.5")).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
  });

  // Regression: `Retry-After: 86400` was obeyed as given, holding the stream for a day.
  it("does not wait a Retry-After over the cap: the 429 goes back at once, to fail the stream", async () => {
    const delays: number[] = [];
    const transport = scripted([json(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "retry-after": "86400" }), json(200, { value: [] })]);
    const mw = new GraphRetryMiddleware({ maxRetries: 5, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 120_000 }, {}, async (ms) => {
      delays.push(ms);
    });
    mw.setNext(transport);
    const ctx: Context = { request: "https://graph.example.test/v1.0/users", options: { method: "GET" } };
    await mw.execute(ctx);
    expect(ctx.response?.status).toBe(429);
    expect(transport.calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("still waits a Retry-After within the cap", async () => {
    const delays: number[] = [];
    const transport = scripted([json(429, { error: { code: "TooManyRequests" } }, { "retry-after": "120" }), json(200, { value: [] })]);
    const mw = new GraphRetryMiddleware({ maxRetries: 5, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 120_000 }, {}, async (ms) => {
      delays.push(ms);
    });
    mw.setNext(transport);
    const ctx: Context = { request: "https://graph.example.test/v1.0/users", options: { method: "GET" } };
    await mw.execute(ctx);
    expect(ctx.response?.status).toBe(200);
    expect(delays).toEqual([120_000]);
  });
});
