import { randomUUID } from "node:crypto";
import type { SyncedType } from "../domain/synced.js";
import type { Trigger } from "../store/history-store.js";
import type { TenantStore } from "../store/tenant-store.js";
import { mayHaveLeftTypes, terminateTypes } from "./children.js";
import { instanceIdOf, ORCHESTRATOR, type RunInput, type RunMode } from "./contract.js";
import { isActive } from "./status.js";

export { isActive } from "./status.js";

/** The part of a Durable client the service uses; the real one is adapted in functions/. */
export interface OrchestrationClient {
  getStatus(instanceId: string): Promise<{ readonly runtimeStatus: string; readonly customStatus?: unknown; readonly output?: unknown } | undefined>;
  startNew(name: string, options: { instanceId: string; input: RunInput }): Promise<string>;
  /** Removes a finished instance's history (a deleted tenant leaves none). */
  purge?(instanceId: string): Promise<void>;
  /** Asks the host to end a running instance; it reaches Terminated soon after, not at once. */
  terminate?(instanceId: string, reason: string): Promise<void>;
}

/** A claim not followed by a running instance within this long is stale (the starter died). */
export const CLAIM_TTL_MS = 2 * 60_000;

export type StartResult =
  | { readonly started: true; readonly runId: string; readonly instanceId: string }
  | { readonly started: false; readonly reason: "running" | "notFound" | "lostRace" };

export async function isRunning(client: OrchestrationClient, tenantId: string): Promise<boolean> {
  const s = await client.getStatus(instanceIdOf(tenantId));
  return s !== undefined && isActive(s.runtimeStatus);
}

/**
 * Starts a run unless one is running. The extension refuses startNew over an
 * active instance, and the client rejects that as an error, so the tenant
 * row is claimed first with its ETag: of two racing starters exactly one
 * wins, and the loser answers "running" instead of failing.
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
  /** Only these types (a notification run); absent: every type of the tenant. */
  types?: readonly SyncedType[],
): Promise<StartResult> {
  const cur = await tenants.get(tenantId);
  // A tenant being erased is as good as gone.
  if (!cur || cur.value.status === "deleting") return { started: false, reason: "notFound" };
  const t = cur.value;
  const claimedRecently = t.status === "queued" && t.lastSyncStart !== null && now() - Date.parse(t.lastSyncStart) < CLAIM_TTL_MS;
  if (claimedRecently) return { started: false, reason: "running" };
  const previous = await client.getStatus(instanceIdOf(tenantId));
  if (previous && isActive(previous.runtimeStatus)) return { started: false, reason: "running" };
  const runId = randomUUID();
  const claimAt = new Date(now()).toISOString();
  // lastSyncStart carries the claim time until the run's plan step sets the real start.
  const won = await tenants.replace({ ...t, status: "queued", lastRunId: runId, lastTrigger: trigger, lastSyncStart: mode === "live" ? claimAt : t.lastSyncStart }, cur.etag);
  if (won === false) return { started: false, reason: "lostRace" };
  const instanceId = instanceIdOf(tenantId);
  try {
    await beforeStart?.();
    // A type the last run left running still holds the instance ID this run's child of that type will use.
    if (previous && client.terminate && mayHaveLeftTypes(previous)) await terminateTypes(client, tenantId, "A new run of the tenant started");
    await client.startNew(ORCHESTRATOR, { instanceId, input: { tenantId, runId, trigger, mode, ...(types ? { types } : {}) } });
  } catch (err) {
    await tenants.update(tenantId, (x) => (x.lastRunId === runId ? { ...x, status: t.status, lastRunId: t.lastRunId, lastTrigger: t.lastTrigger, lastSyncStart: t.lastSyncStart } : undefined));
    throw err;
  }
  return { started: true, runId, instanceId };
}
