import type { LoggedRequest } from "./accounting.js";

/** One applied mutation as POST /_sim/{t}/mutations reports it (member changes carry the group and member). */
export interface AppliedMutation {
  readonly type: string;
  readonly id: string;
  readonly kind: string;
  readonly groupId?: string;
  readonly memberId?: string;
}

/** The simulated Graph's /_sim control routes (open, never faulted or delayed). */
export class SimApi {
  constructor(readonly graphBaseUrl: string) {}

  async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.graphBaseUrl}${path}`);
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async send<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    const res = await fetch(`${this.graphBaseUrl}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as T);
  }

  /** Latency and faults for one tenant; fields left out are 0 (per-tenant settings replace the global ones). */
  async setFaults(tenantId: string, s: { seed?: number; latencyMs: number; latencyPerObjectMs?: number; rate429?: number; rate503?: number; rateDrop?: number; retryAfterSeconds?: number }): Promise<void> {
    await this.send("PUT", `/_sim/${tenantId}/faults`, s);
  }

  /** The simulator's log of the tenant's /v1.0 requests (oldest first), optionally only those started at or after `since` (epoch ms). */
  async requests(tenantId: string, since = -Infinity): Promise<{ requests: LoggedRequest[]; dropped: number }> {
    const r = await this.get<{ requests: LoggedRequest[]; dropped: number }>(`/_sim/requests?tenantId=${encodeURIComponent(tenantId)}`);
    return { requests: r.requests.filter((x) => x.start >= since), dropped: r.dropped };
  }

  async clearRequests(): Promise<void> {
    await this.send("DELETE", "/_sim/requests");
  }

  async counts(tenantId: string): Promise<{ counts: Record<string, number>; seq: number }> {
    return this.get(`/_sim/${tenantId}/truth`);
  }

  async mutate(tenantId: string, seed: number, count: number): Promise<{ applied: AppliedMutation[]; counts: Record<string, number> }> {
    const r = await this.send<{ applied: AppliedMutation[]; counts: Record<string, number> }>("POST", `/_sim/${tenantId}/mutations`, { seed, count });
    if (!r) throw new Error("mutations: empty answer");
    return r;
  }
}
