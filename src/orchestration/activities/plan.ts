import { RESOURCES } from "../../graph/resources/index.js";
import type { Services } from "../../services.js";
import type { TenantRecord } from "../../store/tenant-store.js";
import type { RunInput, RunPlan } from "../contract.js";
import { RunOrphaned } from "./guard.js";

/** First step of a run: mark the tenant running and decide the streams. */
export async function planRun(services: Services, input: RunInput, now: () => number = Date.now): Promise<RunPlan> {
  await services.ready();
  const startedAt = new Date(now()).toISOString();
  // Only the run startRun claimed the tenant for, and never one being erased.
  const claimed = (t: TenantRecord): boolean => t.status !== "deleting" && t.lastRunId === input.runId;
  const t = await services.tenants.update(input.tenantId, (t) =>
    !claimed(t)
      ? undefined
      : input.mode === "preview"
        ? { ...t, lastRunId: input.runId }
        : { ...t, status: "running", lastRunId: input.runId, lastTrigger: input.trigger, lastSyncStart: startedAt },
  );
  if (!t || !claimed(t)) throw new RunOrphaned(`tenant ${input.tenantId} is gone, being deleted, or claimed by another run; run ${input.runId} writes nothing`);
  if (input.mode === "preview") {
    await services.previews.put(t.id, {
      runId: input.runId,
      status: "running",
      startedAt,
      endedAt: null,
      expiresAt: null,
      records: 0,
      summary: {},
    });
  }
  const only = input.types === undefined ? undefined : new Set(input.types);
  const wanted = new Set(t.objectTypes.filter((type) => only === undefined || only.has(type)));
  return {
    types: RESOURCES.map((r) => r.type).filter((type) => wanted.has(type)),
    // A notification run covers a few types: the full scan waits for a run of all of them.
    fullScan: input.mode === "live" && t.fullScanNextRun && input.types === undefined,
    startedAt,
  };
}
