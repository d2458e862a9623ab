/**
 * The Functions auth level of the API's non-anonymous routes (API_AUTH_LEVEL):
 * "function" (default) adds the function key as a second gate besides the
 * bearer token; "anonymous" leaves the bearer token as the only gate, which a
 * browser client such as the portal needs, since a function key shipped to a
 * browser is no secret (functions-bindings-http-webhook-trigger.md, "API key authorization").
 */
export type ApiAuthLevel = "function" | "anonymous";

export function apiAuthLevel(env: NodeJS.ProcessEnv = process.env): ApiAuthLevel {
  const v = env.API_AUTH_LEVEL;
  if (v === undefined || v === "" || v === "function") return "function";
  if (v === "anonymous") return "anonymous";
  throw new Error(`API_AUTH_LEVEL must be "function" or "anonymous", not "${v}"`);
}
