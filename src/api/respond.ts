import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { errorBody, RequestError } from "./errors.js";
import type { Route } from "./route.js";

/** Wraps a route's handler so that every failure leaves as the JSON error shape. */
export function guarded(route: Route): Route["handler"] {
  return async (req: HttpRequest, ctx: InvocationContext): Promise<HttpResponseInit> => {
    try {
      return await route.handler(req, ctx);
    } catch (err) {
      if (err instanceof RequestError) {
        return { status: err.status, jsonBody: errorBody(err.code, err.message, err.details), headers: { ...err.headers } };
      }
      // Ours, not the caller's: log the cause, answer without internals.
      ctx.error(`${route.name} failed`, err instanceof Error ? err.message : String(err));
      return { status: 500, jsonBody: errorBody("InternalError", "The service failed to handle the request; it has been logged.") };
    }
  };
}
