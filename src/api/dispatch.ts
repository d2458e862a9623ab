import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { authorize, type Principal, type TokenValidator } from "./auth.js";
import { logText } from "../monitoring/log-text.js";
import { errorBody, RequestError } from "./errors.js";
import { hasBody, noQuery, parseBody, parseQuery } from "./parse.js";
import type { ApiDeps, RawHandler, Route } from "./route.js";

/**
 * A route as a Functions handler: authenticate, authorize, parse, handle.
 * Nothing of the body is read before the caller is authenticated.
 * A RequestError is the caller's fault and leaves as its status; anything
 * else is ours: logged, and answered 500 without internals.
 */
export function dispatch(route: Route, deps: (ctx: InvocationContext) => ApiDeps, tokens: () => TokenValidator): RawHandler {
  return async (req: HttpRequest, ctx: InvocationContext): Promise<HttpResponseInit> => {
    try {
      let principal: Principal | null = null;
      if (route.access !== "anonymous") {
        principal = await tokens().principal(req.headers.get("authorization"));
        authorize(principal, route.access);
      }
      const url = new URL(req.url);
      const query = parseQuery(url, route.query ?? noQuery);
      // Read only after authentication, and never more than the limit.
      const body = route.body ? await parseBody(req, route.body) : undefined;
      if (!route.body && req.method !== "GET" && hasBody(req)) {
        // Routes without a body still refuse one (400, or 413 past the same limit), so a typo'd field is never silently dropped.
        await parseBody(req, noQuery.optional());
      }
      return await route.handler({ params: req.params, query, body, headers: req.headers, url, principal, deps: deps(ctx), ctx });
    } catch (err) {
      if (err instanceof RequestError) {
        return { status: err.status, jsonBody: errorBody(err.code, err.message, err.details), headers: { ...err.headers } };
      }
      // The stack stays here, in the log, escaped to one line; the caller gets none of it.
      ctx.error(`${route.name} failed: ${logText(err instanceof Error ? `${err.name}: ${err.message}` : String(err))}`, logText(err instanceof Error ? (err.stack ?? "") : ""));
      return { status: 500, jsonBody: errorBody("InternalError", "The service failed to handle the request; it has been logged.") };
    }
  };
}
