import { linkKindOf, type SyncedType } from "../domain/synced.js";
import { linkCounts, linkTotal } from "./link-counts.js";
import { previewKey, type PreviewTypeSummary } from "../store/preview-store.js";
import type { SyncStateStore } from "../store/sync-state.js";

export interface PreviewFinishInput {
  readonly tenantId: string;
  readonly runId: string;
  readonly types: readonly SyncedType[];
  /** Streams that failed for good (after the orchestrator's retries), with the error. */
  readonly failures: Readonly<Partial<Record<SyncedType, string>>>;
}

export interface PreviewResult {
  readonly summary: Readonly<Record<string, PreviewTypeSummary>>;
  /** Objects the preview holds, over all types. */
  readonly records: number;
  readonly failed: boolean;
}

/**
 * A preview's fan-in: per type, what the next sync would add, update and
 * delete, read from the preview streams' states beside the live ones.
 * Nothing is applied or held.
 */
export async function finishPreviewRun(state: SyncStateStore, input: PreviewFinishInput): Promise<PreviewResult> {
  const key = previewKey(input.tenantId, input.runId);
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
    // A link kind read per parent (applicationOwners) counts links, not objects.
    const kind = linkKindOf(type);
    if (kind) {
      const total = linkTotal(s, kind);
      const { adds } = linkCounts(c, kind);
      const done = s.status === "done";
      summary[type] = { adds, updates: 0, deletes: done ? Math.max(0, (live ? linkTotal(live, kind) : 0) - (total - adds)) : 0, filtered: 0, total, status: done ? "succeeded" : s.status };
      continue;
    }
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
  return { summary, records, failed: Object.values(summary).some((v) => v.status === "failed") };
}
