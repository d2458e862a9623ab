import type { Config } from "../config/config.js";

/** Names that only ever reach this machine (RFC 6761 §6.3 for localhost). */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The API's base URL ("…/api") for Location headers, bodies and the OpenAPI
 * servers list. The Host header is the caller's to choose, so it is never
 * echoed: PUBLIC_BASE_URL when set; else the request's own origin only when
 * it is loopback (the local runtime); else a relative "/api", which both
 * Location (RFC 9110 §10.2.2) and OpenAPI's servers.url allow.
 */
export function apiBaseUrl(config: Pick<Config, "publicBaseUrl">, url: URL): string {
  if (config.publicBaseUrl !== undefined) return `${config.publicBaseUrl}/api`;
  if (LOOPBACK.has(url.hostname)) return `${url.origin}/api`;
  return "/api";
}
