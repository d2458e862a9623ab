import { linkKindOf, linksOf, type SyncedType } from "../domain/synced.js";
import { linkCounts, linkTotal } from "./link-counts.js";
import { resourceOf } from "../graph/resources/index.js";
import { runOutcomeOf, type RunOutcome, type TypeOutcome } from "../domain/run-outcome.js";
import type { HistoryRecord, Trigger } from "../store/history-store.js";
import type { HeldDeletion } from "../store/held.js";
import type { StreamState } from "../store/sync-state.js";
import { applyDeletions, recountLinks } from "./apply-deletions.js";
import type { SyncStores } from "./stores.js";
import { exceeds, type DeletionThreshold } from "../domain/threshold.js";
import { userWarnings } from "./warnings.js";

export interface FinishInput {
  readonly tenantId: string;
  readonly runId: string;
  readonly trigger: Trigger;
  readonly startedAt: string;
  readonly types: readonly SyncedType[];
  readonly threshold: DeletionThreshold | null;
  /** Streams that failed for good (after the orchestrator's retries), with the error. */
  readonly failures: Readonly<Partial<Record<SyncedType, string>>>;
}

export interface FinishResult {
  readonly status: RunOutcome;
  readonly held: boolean;
  readonly heldCount: number;
  readonly records: readonly HistoryRecord[];
  /** Some delta-capable stream scanned in full this run (first run, reset token, filter change…). */
  readonly fullScan: boolean;
}

/**
 * The fan-in: applies the run's staged deletions unless they pass the
 * threshold (then holds them all), and writes one history record per type.
 */
export async function finishRun(stores: SyncStores, input: FinishInput, now: () => number = Date.now): Promise<FinishResult> {
  const { tenantId, runId } = input;
  const states = new Map<SyncedType, StreamState>();
  for (const t of input.types) {
    const s = await stores.state.get(tenantId, t);
    if (s && s.runId === runId) states.set(t, s);
  }

  const staged: HeldDeletion[] = [];
  for await (const d of stores.held.list(tenantId)) if (d.runId === runId) staged.push(d);
  // The threshold weighs directory objects: sign-in rows and audit entries are not objects a run can delete.
  const liveTotal = [...states].reduce((n, [type, s]) => (isSideMode(resourceOf(type).mode) ? n : n + s.total), 0);
  const held = exceeds(input.threshold, staged.length, liveTotal);
  if (!held && staged.length > 0) await applyDeletions(stores, tenantId, staged, now);
  // A restored or purged object's hidden links show again: the link totals are counted anew (soft deletes recount in applyDeletions).
  const unparked = [...states.values()].some((s) => (s.counters.unparked ?? 0) > 0);
  if (unparked && !(!held && staged.some((d) => d.soft))) await recountLinks(stores, tenantId);

  const endTime = new Date(now()).toISOString();
  const records: HistoryRecord[] = [];
  const base = { runId, trigger: input.trigger, endTime };
  for (const type of input.types) {
    const failure = input.failures[type];
    const s = failure ? undefined : await stores.state.get(tenantId, type);
    if (!s || s.runId !== runId) {
      records.push({ ...base, type, startTime: input.startedAt, total: 0, changed: 0, deleted: 0, filtered: 0, status: "failed", error: failure ?? "the stream did not run" });
      continue;
    }
    const c = s.counters;
    const deletedHere = staged.filter((d) => d.type === type).length;
    let status: TypeOutcome = s.status === "skipped" ? "skipped" : s.status === "done" ? "succeeded" : "failed";
    if (status === "succeeded" && held && deletedHere > 0) status = "held";
    const warnings = [...(type === "users" && status === "succeeded" ? await warningsFor(stores, tenantId, s, now) : []), ...skippedWarning(s)];
    // A link kind read per parent (applicationOwners): its one record counts its links.
    const kind = linkKindOf(type);
    if (kind) {
      const { adds, removes } = linkCounts(c, kind);
      records.push({ ...base, type, startTime: s.startedAt, total: linkTotal(s, kind), changed: adds, deleted: removes, filtered: 0, status, ...(s.error ? { error: s.error } : {}), ...(warnings.length ? { warnings } : {}) });
      continue;
    }
    records.push({
      ...base,
      type,
      startTime: s.startedAt,
      total: s.total,
      changed: c.added + c.updated,
      deleted: deletedHere,
      filtered: c.filtered,
      status,
      ...(s.error ? { error: s.error } : {}),
      ...(warnings.length ? { warnings } : {}),
    });
    // One record per browsable link type: its own total, adds and removes.
    for (const l of status === "skipped" ? [] : linksOf(type)) {
      if (!l.link) continue;
      const { adds, removes } = linkCounts(c, l);
      records.push({ ...base, type: l.link.type, startTime: s.startedAt, total: linkTotal(s, l), changed: adds, deleted: removes, filtered: 0, status: status === "held" ? "succeeded" : status });
    }
  }
  for (const r of records) await stores.history.add(tenantId, r);

  return {
    status: runOutcomeOf(held, records.map((r) => r.status)),
    held,
    heldCount: held ? staged.length : 0,
    records,
    fullScan: [...states].some(([type, s]) => s.mode === "full" && resourceOf(type).mode === "delta"),
  };
}

const isSideMode = (mode: string): boolean => mode === "attribute" || mode === "feed";

/** One bad object must not fail its type on every run: it is skipped, and named here. */
function skippedWarning(s: StreamState): string[] {
  const n = s.counters.skipped ?? 0;
  if (n === 0) return [];
  const names = s.skippedNames ?? [];
  return [`${n} object(s) or link(s) skipped for an unusable id (empty or over 256 characters): ${names.join(", ")}${n > names.length ? ` and ${n - names.length} more` : ""}`];
}

/** Warnings read the whole user store: after full scans, else at most daily; between, the last ones stand. */
const WARNINGS_MAX_AGE_MS = 86_400_000;

async function warningsFor(stores: SyncStores, tenantId: string, s: StreamState, now: () => number): Promise<readonly string[]> {
  const fresh = s.mode === "delta" && s.warningsAt && now() - Date.parse(s.warningsAt) < WARNINGS_MAX_AGE_MS;
  if (fresh) return s.warnings ?? [];
  const warnings = await userWarnings(stores.objects);
  const cur = await stores.state.get(tenantId, "users");
  if (cur && cur.runId === s.runId) await stores.state.put(tenantId, "users", { ...cur, warnings, warningsAt: new Date(now()).toISOString() });
  return warnings;
}

/** An admin approved: apply every held deletion of the tenant. */
export async function approveHeld(stores: SyncStores, tenantId: string): Promise<number> {
  const rows: HeldDeletion[] = [];
  for await (const d of stores.held.list(tenantId)) rows.push(d);
  await applyDeletions(stores, tenantId, rows, Date.now, "~approvals");
  return rows.length;
}

/** An admin rejected: the objects stay; the held deletions are dropped. */
export async function rejectHeld(stores: SyncStores, tenantId: string): Promise<number> {
  let n = 0;
  for await (const _ of stores.held.list(tenantId)) n++;
  await stores.held.clear(tenantId);
  return n;
}
