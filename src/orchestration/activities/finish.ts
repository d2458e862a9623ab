import type { InvocationContext } from "@azure/functions";
import { eventStatusOf } from "../../domain/run-outcome.js";
import { syncRunMessage } from "../../monitoring/events.js";
import { nextRunAfter } from "../../schedule/next-run.js";
import type { Services } from "../../services.js";
import { previewKey, type PreviewTypeSummary } from "../../store/preview-store.js";
import { finishRun } from "../../sync/finish-run.js";
import { syncStores } from "../../sync/stores.js";
import type { FinishTaskInput, RunSummary } from "../contract.js";
import { currentRunTenant } from "./guard.js";

const PREVIEW_TTL_MS = 7 * 86_400_000;

/** The fan-in: history, deletions (or their hold), the tenant's status and its next run. */
export async function finishTask(services: Services, input: FinishTaskInput, ctx: InvocationContext, now: () => number = Date.now): Promise<RunSummary> {
  await services.ready();
  const tenant = await currentRunTenant(services, input);
  if (input.mode === "preview") return finishPreview(services, input, now);
  const stores = syncStores(services.tables, input.tenantId);
  const result = await finishRun(stores, {
    tenantId: input.tenantId,
    runId: input.runId,
    trigger: input.trigger,
    startedAt: input.startedAt,
    types: input.types,
    threshold: tenant.value.deletionThreshold,
    failures: input.failures,
  }, now);
  const endedAt = new Date(now());
  await services.tenants.update(input.tenantId, (t) => {
    const next = nextRunAfter(t.schedule, endedAt, t.lastSyncStart ? new Date(t.lastSyncStart) : undefined);
    return {
      ...t,
      status: result.status,
      lastSyncEnd: endedAt.toISOString(),
      lastSyncStatus: result.status,
      nextRunAt: next ? next.toISOString() : null,
      fullScanNextRun: false,
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

async function finishPreview(services: Services, input: FinishTaskInput, now: () => number): Promise<RunSummary> {
  const key = previewKey(input.tenantId, input.runId);
  const state = services.syncState;
  const summary: Record<string, PreviewTypeSummary> = {};
  let records = 0;
  for (const type of input.types) {
    const s = await state.get(key, type);
    const live = await state.get(input.tenantId, type);
    const failure = input.failures[type];
    if (!s || s.runId !== input.runId || failure) {
      summary[type] = { adds: 0, updates: 0, deletes: 0, filtered: 0, total: 0, status: "failed" };
      continue;
    }
    const c = s.counters;
    const liveTotal = live?.total ?? 0;
    summary[type] = {
      adds: c.added,
      updates: c.updated,
      // Live objects the preview did not see in scope.
      deletes: s.status === "done" ? Math.max(0, liveTotal - (s.total - c.added)) : 0,
      filtered: c.filtered,
      total: s.total,
      status: s.status === "done" ? "succeeded" : s.status,
    };
    records += s.total;
  }
  const endedAt = now();
  const failed = Object.values(summary).some((v) => v.status === "failed");
  const previews = services.previews;
  const meta = await previews.get(input.tenantId);
  if (meta?.runId === input.runId) {
    await previews.put(input.tenantId, {
      ...meta,
      status: failed ? "failed" : "ready",
      endedAt: new Date(endedAt).toISOString(),
      expiresAt: new Date(endedAt + PREVIEW_TTL_MS).toISOString(),
      records,
      summary,
    });
  }
  await services.tenants.update(input.tenantId, (t) => (t.status === "running" || t.status === "queued" ? { ...t, status: "idle" } : undefined));
  const types: RunSummary["types"] = Object.fromEntries(
    Object.entries(summary).map(([k, v]) => [k, { total: v.total, changed: v.adds + v.updates, deleted: v.deletes, filtered: v.filtered, status: v.status }]),
  );
  return { runId: input.runId, status: failed ? "partial" : "succeeded", types };
}
