import type { TokenCredential } from "@azure/core-auth";
import { HTTPMessageHandler, type Client, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { resolveEndpoints, type CloudEndpoints } from "../../../src/config/clouds.js";
import { createGraphClient } from "../../../src/graph/client.js";
import { customerCredential } from "../../../src/graph/credential.js";
import { DEFAULT_RETRY, type RetryPolicy } from "../../../src/graph/retry.js";
import { resourceOfUrl } from "./accounting.js";

/**
 * The last link of the Graph client's chain: counts every request that goes
 * on the wire (after the retry middleware, so each retry counts), by
 * resource, then sends it with the SDK's own HTTPMessageHandler.
 */
export class CountingTransport implements Middleware {
  readonly byResource: Record<string, number> = {};
  total = 0;
  private readonly http = new HTTPMessageHandler();

  async execute(context: Context): Promise<void> {
    // The SDK types it as the DOM's RequestInfo, which this project's lib (no "dom") does not declare.
    const request = context.request as string | Request;
    const url = typeof request === "string" ? request : request.url;
    const r = resourceOfUrl(url);
    this.byResource[r] = (this.byResource[r] ?? 0) + 1;
    this.total++;
    // Each request inside a $batch is one request to Graph, throttled on its own (concepts/json-batching.md), as the simulator logs it.
    const body = context.options?.body;
    if (new URL(url).pathname.endsWith("/$batch") && typeof body === "string") {
      const items = (JSON.parse(body) as { requests?: Array<{ url?: string }> }).requests ?? [];
      for (const item of items) {
        const ir = resourceOfUrl(new URL(`v1.0${item.url ?? ""}`, url.replace(/v1\.0\/\$batch.*$/, "")).href);
        this.byResource[ir] = (this.byResource[ir] ?? 0) + 1;
        this.total++;
      }
    }
    await this.http.execute(context);
  }
}

export interface SimApp {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export function simEndpoints(authorityHost: string, graphBaseUrl: string): CloudEndpoints {
  return resolveEndpoints("global", undefined, { authorityHost, graphBaseUrl });
}

export function appCredential(app: SimApp, endpoints: CloudEndpoints): TokenCredential {
  return customerCredential(app, endpoints);
}

/** The service's Graph client (production retry policy unless told otherwise), counted. */
export function countedClient(credential: TokenCredential, endpoints: CloudEndpoints, retry: RetryPolicy = DEFAULT_RETRY): { client: Client; counter: CountingTransport } {
  const counter = new CountingTransport();
  return { client: createGraphClient(credential, endpoints, { retry, transport: counter }), counter };
}
