import type { InvocationContext } from "@azure/functions";
import type { DeletionThreshold } from "../../domain/threshold.js";
import { eventStatusOf } from "../../domain/run-outcome.js";
import { syncRunMessage } from "../../monitoring/events.js";
import { nextRunAfter } from "../../schedule/next-run.js";
import type { Services } from "../../services.js";
import { finishRun } from "../../sync/finish-run.js";
import { syncStores } from "../../sync/stores.js";
import { pruneFeed } from "../../feed/read-feed.js";
import type { FinishTaskInput, RunSummary } from "../contract.js";

/** A sync's fan-in: history, deletions (or their hold), the tenant's status and its next run. */
export async function finishLive(services: Services, input: FinishTaskInput, threshold: DeletionThreshold | null, ctx: InvocationContext, now: () => number): Promise<RunSummary> {
  const stores = syncStores(services.tables, input.tenantId);
  const result = await finishRun(stores, {
    tenantId: input.tenantId,
    runId: input.runId,
    trigger: input.trigger,
    startedAt: input.startedAt,
    types: input.types,
    threshold,
    failures: input.failures,
  }, now);
  // The change feed's expired entries go here, once per run: a key range per lane, mostly empty.
  if (stores.feed) await pruneFeed(stores.feed, Date.now(), services.config.changeFeed.retentionMs);
  const endedAt = new Date(now());
  await services.tenants.update(input.tenantId, (t) => {
    // A notification run covers only the notified types: the floor of a continuous schedule stays.
    const next = input.trigger === "notification" ? (t.nextRunAt ? new Date(t.nextRunAt) : null) : nextRunAfter(t.schedule, endedAt, t.lastSyncStart ? new Date(t.lastSyncStart) : undefined);
    return {
      ...t,
      status: result.status,
      lastSyncEnd: endedAt.toISOString(),
      lastSyncStatus: result.status,
      nextRunAt: next ? next.toISOString() : null,
      fullScanNextRun: input.trigger === "notification" ? t.fullScanNextRun : false,
      deletionsPending: t.deletionsPending || result.held,
    };
  });
  // A preview is valid until the next sync.
  const previews = services.previews;
  const preview = await previews.get(input.tenantId);
  if (preview && preview.status === "ready") await previews.put(input.tenantId, { ...preview, status: "expired" });

  ctx.log(
    syncRunMessage({
      tenantId: input.tenantId,
      runId: input.runId,
      type: result.fullScan ? "full" : "delta",
      status: eventStatusOf(result.status),
      trigger: input.trigger,
    }),
  );
  const types: Record<string, { total: number; changed: number; deleted: number; filtered: number; status: string }> = {};
  for (const r of result.records) types[r.type] = { total: r.total, changed: r.changed, deleted: r.deleted, filtered: r.filtered, status: r.status };
  return { runId: input.runId, status: result.status, types };
}
