import type { SyncedType } from "../domain/synced.js";
import { nextRunAfter } from "../schedule/next-run.js";
import type { Services } from "../services.js";
import type { HistoryRecord } from "../store/history-store.js";
import { terminateTypes } from "./children.js";
import { instanceIdOf } from "./contract.js";
import { readRunProgress } from "./progress.js";
import type { OrchestrationClient } from "./start-run.js";
import { isActive } from "./status.js";

export const CANCEL_REASON = "Cancelled by an admin";

export type CancelResult = { readonly cancelled: true; readonly runId: string | null } | { readonly cancelled: false; readonly reason: "notRunning" };

/**
 * Ends a tenant's running sync: terminates the run and each type's
 * sub-orchestration (children.ts), then records the run
 * as cancelled: a history row per type with status "cancelled" (a live run),
 * or the preview marked failed, and the tenant back to idle with its next run
 * scheduled. Activities already running finish their slice; their results
 * are dropped with the instance.
 */
export async function cancelRun(client: OrchestrationClient, services: Pick<Services, "tenants" | "previews" | "history">, tenantId: string, now: () => number = Date.now): Promise<CancelResult> {
  const run = await client.getStatus(instanceIdOf(tenantId));
  if (!run || !isActive(run.runtimeStatus)) return { cancelled: false, reason: "notRunning" };
  if (!client.terminate) throw new Error("the Durable client cannot terminate instances");
  const progress = await readRunProgress(client, tenantId, run);
  await client.terminate(instanceIdOf(tenantId), CANCEL_REASON);
  const types = progress ? (Object.keys(progress.types) as SyncedType[]) : [];
  // Before the plan step the run lists no types: look at them all.
  await terminateTypes(client, tenantId, CANCEL_REASON, types.length > 0 ? types : undefined);

  const tenant = await services.tenants.get(tenantId);
  const runId = progress?.runId ?? tenant?.value.lastRunId ?? null;
  const ended = new Date(now());
  if (progress?.mode === "preview") {
    const previews = services.previews;
    const meta = await previews.get(tenantId);
    if (meta && meta.runId === runId) await previews.put(tenantId, { ...meta, status: "failed", endedAt: ended.toISOString() });
    await services.tenants.update(tenantId, (t) => (t.status === "running" || t.status === "queued" ? { ...t, status: "idle" } : undefined));
    return { cancelled: true, runId };
  }
  if (runId && tenant) {
    const history = services.history;
    const startTime = tenant.value.lastSyncStart ?? ended.toISOString();
    for (const type of types) {
      const record: HistoryRecord = {
        runId,
        trigger: progress?.trigger ?? (tenant.value.lastTrigger === "schedule" ? "schedule" : "manual"),
        type,
        startTime,
        endTime: ended.toISOString(),
        total: 0,
        changed: 0,
        deleted: 0,
        filtered: 0,
        status: "cancelled",
        error: CANCEL_REASON,
      };
      await history.add(tenantId, record);
    }
  }
  await services.tenants.update(tenantId, (t) => {
    const next = nextRunAfter(t.schedule, ended, t.lastSyncStart ? new Date(t.lastSyncStart) : undefined);
    return { ...t, status: "idle", lastSyncEnd: ended.toISOString(), lastSyncStatus: "cancelled", nextRunAt: next ? next.toISOString() : null };
  });
  return { cancelled: true, runId };
}
