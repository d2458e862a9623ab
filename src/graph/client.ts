import type { TokenCredential } from "@azure/core-auth";
import { AuthenticationHandler, Client, HTTPMessageHandler, type Middleware } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { graphScope, type CloudEndpoints } from "../config/clouds.js";
import type { RequestBudget } from "./budget/graph-budget.js";
import { GraphBudgetMiddleware } from "./budget/middleware.js";
import { DEFAULT_RETRY, GraphRetryMiddleware, type RetryEvents, type RetryPolicy } from "./retry.js";
import { ResponseSizeLimit } from "./size-limit.js";

export interface GraphClientOptions {
  readonly retry?: RetryPolicy;
  readonly events?: RetryEvents;
  /** The last link of the chain; tests put a fake transport here. */
  readonly transport?: Middleware;
  /** Largest response body read (default MAX_RESPONSE_BYTES). */
  readonly maxResponseBytes?: number;
  /** The shared throttling budget every attempt draws from (src/graph/budget/). */
  readonly budget?: RequestBudget;
}

/**
 * A Graph client bound to one cloud's Graph host. The host is named in
 * customHosts, or the SDK sends no Authorization header to a host it does
 * not know (a national-cloud override, or the simulated Graph).
 */
export function createGraphClient(credential: TokenCredential, endpoints: CloudEndpoints, options: GraphClientOptions = {}): Client {
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [graphScope(endpoints)] });
  const auth = new AuthenticationHandler(authProvider);
  const retry = new GraphRetryMiddleware(options.retry ?? DEFAULT_RETRY, options.events);
  // Before the retries: an oversized answer fails the request once, not once per attempt.
  const limit = new ResponseSizeLimit(options.maxResponseBytes);
  auth.setNext(limit);
  limit.setNext(retry);
  const transport = options.transport ?? new HTTPMessageHandler();
  if (options.budget) {
    // After the retries: each attempt draws from the budget.
    const draw = new GraphBudgetMiddleware(options.budget);
    retry.setNext(draw);
    draw.setNext(transport);
  } else retry.setNext(transport);
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${endpoints.graphBaseUrl}/`,
    defaultVersion: "v1.0",
    customHosts: new Set([new URL(endpoints.graphBaseUrl).hostname]),
  });
}
