import type { Services } from "../../services.js";
import { finishPreviewRun } from "../../sync/finish-preview.js";
import type { FinishTaskInput, RunSummary } from "../contract.js";

const PREVIEW_TTL_MS = 7 * 86_400_000;

/** A preview's fan-in: its summary on the preview, which is then ready (or failed), and the tenant idle again. */
export async function finishPreview(services: Services, input: FinishTaskInput, now: () => number): Promise<RunSummary> {
  const { summary, records, failed } = await finishPreviewRun(services.syncState, input);
  const endedAt = now();
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
