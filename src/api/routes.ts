import type { Route } from "./route.js";

/** The one route table: functions/ registers it with app.http, and the local runtime serves it. */
export const routes: readonly Route[] = Object.freeze([
  {
    name: "health",
    method: "GET",
    path: "health",
    access: "anonymous",
    summary: "Health check",
    handler: async () => ({ status: 200, jsonBody: { status: "ok" } }),
  },
]);
