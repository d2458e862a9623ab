import functions, { type HttpRequestInit, type InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TokenValidator } from "../../src/api/auth.js";
import { dispatch } from "../../src/api/dispatch.js";
import { MAX_BODY_BYTES, parseBody } from "../../src/api/parse.js";
import type { ApiDeps } from "../../src/api/route.js";
import { routes } from "../../src/api/routes.js";

const { HttpRequest, InvocationContext: Ctx } = functions;

/**
 * The body limit holds in src/api whatever host calls it: a request whose
 * body is a stream (as the Functions library builds it in stream mode,
 * createStreamRequest) is read only after authentication and never past
 * the limit. The stream counts what was pulled from it.
 */
function streamed(method: string, total: number, headers: Record<string, string> = {}) {
  let pulled = 0;
  const chunk = new Uint8Array(16 * 1024).fill(0x7a);
  const body = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (pulled >= total) return c.close();
        pulled += chunk.byteLength;
        c.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  const nativeRequest = new Request("http://localhost/api/tenants", { method, body, headers: { "transfer-encoding": "chunked", ...headers }, duplex: "half" });
  // nativeRequest is how the library itself wraps a streamed body (HttpRequest.js); it is not in the public init type.
  const req = new HttpRequest({ nativeRequest, params: {} } as unknown as HttpRequestInit);
  return { req, pulled: () => pulled };
}

describe("parse: bounded body reads (issue 20.3)", () => {
  // Regression: a chunked body was read whole before the 64 KiB check.
  it("stops pulling a 20 MiB chunked body just past the limit and answers 413", async () => {
    const { req, pulled } = streamed("POST", 20 * 1024 * 1024);
    await expect(parseBody(req, z.unknown())).rejects.toMatchObject({ status: 413, code: "PayloadTooLarge" });
    expect(pulled()).toBeGreaterThan(MAX_BODY_BYTES);
    expect(pulled()).toBeLessThanOrEqual(MAX_BODY_BYTES + 3 * 16 * 1024);
  });

  it("reads a chunked body under the limit whole", async () => {
    const text = JSON.stringify({ a: "b".repeat(1000) });
    const nativeRequest = new Request("http://localhost/api/x", { method: "POST", body: new Blob([text]).stream(), duplex: "half" });
    const req = new HttpRequest({ nativeRequest, params: {} } as unknown as HttpRequestInit);
    expect(await parseBody(req, z.object({ a: z.string() }))).toEqual({ a: "b".repeat(1000) });
  });

  it("reads none of the body of a caller without a token, and answers 401", async () => {
    const addTenant = routes.find((r) => r.name === "addTenant")!;
    // The real validator: with no Authorization header it refuses before any key is fetched.
    const tokens = new TokenValidator({ audience: ["api://x"], issuer: "https://login.example/t/v2.0", jwksUri: "https://127.0.0.1:9/keys" });
    const handler = dispatch(addTenant, () => ({}) as ApiDeps, () => tokens);
    const { req, pulled } = streamed("POST", 20 * 1024 * 1024);
    const ctx: InvocationContext = new Ctx({ functionName: "addTenant" });
    const res = await handler(req, ctx);
    expect(res.status).toBe(401);
    expect(pulled()).toBe(0);
  });
});
