import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { sendJson, type TokenClaims } from "../http.js";
import type { SimTenant } from "../registry.js";
import type { GraphEnv } from "./context.js";
import { sendGraphError } from "./errors.js";

/** One authenticated /v1.0 request, as the route handlers see it. */
export class ApiCall {
  constructor(
    readonly env: GraphEnv,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly url: URL,
    readonly tenant: SimTenant,
    readonly claims: TokenClaims,
  ) {}

  get directory() {
    return this.tenant.directory;
  }

  /** An OData query option; Graph accepts it with or without the `$`. */
  query(name: string): string | null {
    return this.url.searchParams.get(`$${name}`) ?? this.url.searchParams.get(name);
  }

  fail(status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    sendGraphError(this.req, this.res, status, code, message, headers);
  }

  /** Objects the answer returned (`value` items, or 1 for one object), for the request log. */
  objects: number | undefined;
  /** Set when the answer waits for the per-object latency; handleV1 awaits it. */
  sent: Promise<void> | undefined;

  ok(body: unknown, status = 200): void {
    const value = (body as { value?: unknown } | null)?.value;
    this.objects = Array.isArray(value) ? value.length : body && typeof body === "object" ? 1 : 0;
    const perObject = this.env.state.faults.settingsFor(this.tenant.tenantId).latencyPerObjectMs ?? 0;
    const delay = perObject * this.objects;
    if (delay <= 0) return sendJson(this.res, status, body);
    this.sent = sleep(delay).then(() => sendJson(this.res, status, body));
  }

  /** Absolute link on the server's base URL; values must already be query-safe (tokens are base64url). */
  link(path: string, params: Record<string, string>): string {
    const q = Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    return `${this.env.baseUrl}${path}${q ? `?${q}` : ""}`;
  }

  context(fragment: string, select: readonly string[] | null): string {
    return `${this.env.baseUrl}/v1.0/$metadata#${fragment}${select ? `(${select.join(",")})` : ""}`;
  }
}
