import { randomUUID } from "node:crypto";
import type { Trigger } from "../store/history-store.js";
import type { TenantStore } from "../store/tenant-store.js";
import { instanceIdOf, ORCHESTRATOR, type RunInput, type RunMode } from "./contract.js";

/** The part of a Durable client the service uses; the real one is adapted in functions/. */
export interface OrchestrationClient {
  getStatus(instanceId: string): Promise<{ readonly runtimeStatus: string; readonly customStatus?: unknown; readonly output?: unknown } | undefined>;
  startNew(name: string, options: { instanceId: string; input: RunInput }): Promise<string>;
  /** Removes a finished instance's history (a deleted tenant leaves none). */
  purge?(instanceId: string): Promise<void>;
}

const BUSY = new Set(["Running", "Pending", "ContinuedAsNew"]);
/** A claim not followed by a running instance within this long is stale (the starter died). */
export const CLAIM_TTL_MS = 2 * 60_000;

export type StartResult =
  | { readonly started: true; readonly runId: string; readonly instanceId: string }
  | { readonly started: false; readonly reason: "running" | "notFound" | "lostRace" };

/** Whether an instance in this runtime status still runs (a new start would replace it). */
export const isActive = (runtimeStatus: string): boolean => BUSY.has(runtimeStatus);

export async function isRunning(client: OrchestrationClient, tenantId: string): Promise<boolean> {
  const s = await client.getStatus(instanceIdOf(tenantId));
  return s !== undefined && isActive(s.runtimeStatus);
}

/**
 * Starts a run unless one is running. startNew would silently replace a
 * running instance (FACTS), so the tenant row is claimed first with its
 * ETag: of two racing starters exactly one wins.
 */
export async function startRun(
  client: OrchestrationClient,
  tenants: TenantStore,
  tenantId: string,
  trigger: Trigger,
  mode: RunMode,
  now: () => number = Date.now,
  /** Runs once the claim is won, before the start; if it throws, the claim is released and the error passes on. */
  beforeStart?: () => Promise<void>,
): Promise<StartResult> {
  const cur = await tenants.get(tenantId);
  // A tenant being erased is as good as gone.
  if (!cur || cur.value.status === "deleting") return { started: false, reason: "notFound" };
  const t = cur.value;
  const claimedRecently = t.status === "queued" && t.lastSyncStart !== null && now() - Date.parse(t.lastSyncStart) < CLAIM_TTL_MS;
  if (claimedRecently || (await isRunning(client, tenantId))) return { started: false, reason: "running" };
  const runId = randomUUID();
  const claimAt = new Date(now()).toISOString();
  // lastSyncStart carries the claim time until the run's plan step sets the real start.
  const won = await tenants.replace({ ...t, status: "queued", lastRunId: runId, lastTrigger: trigger, lastSyncStart: mode === "live" ? claimAt : t.lastSyncStart }, cur.etag);
  if (won === false) return { started: false, reason: "lostRace" };
  const instanceId = instanceIdOf(tenantId);
  try {
    await beforeStart?.();
    await client.startNew(ORCHESTRATOR, { instanceId, input: { tenantId, runId, trigger, mode } });
  } catch (err) {
    await tenants.update(tenantId, (x) => (x.lastRunId === runId ? { ...x, status: t.status, lastRunId: t.lastRunId, lastTrigger: t.lastTrigger, lastSyncStart: t.lastSyncStart } : undefined));
    throw err;
  }
  return { started: true, runId, instanceId };
}
