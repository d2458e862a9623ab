/** One type's result in one run, as its history record shows it. */
export type TypeOutcome = "succeeded" | "failed" | "skipped" | "held" | "cancelled";

/** A whole run's result; `held`: its deletions passed the threshold and wait for an admin. */
export type RunOutcome = "succeeded" | "partial" | "failed" | "held";

/** A tenant's last sync: a finished run's outcome, or a cancel. */
export type LastSyncStatus = RunOutcome | "cancelled";

/** `deleting`: an erase has claimed the tenant; nothing may start or write for it. */
export type TenantStatus = "idle" | "queued" | "running" | "deleting" | RunOutcome;

/** The SyncRun event's status: a held run synced; the hold is an admin's decision, not a failure. */
export const SYNC_EVENT_STATUSES = Object.freeze(["succeeded", "partial", "failed"] as const);
export type SyncEventStatus = (typeof SYNC_EVENT_STATUSES)[number];

export const eventStatusOf = (o: RunOutcome): SyncEventStatus => (o === "held" ? "succeeded" : o);

/** A run's outcome from its types': held wins, then all failed, then any failed. */
export function runOutcomeOf(held: boolean, types: readonly TypeOutcome[]): RunOutcome {
  if (held) return "held";
  const anyFailed = types.some((s) => s === "failed");
  const allFailed = types.every((s) => s === "failed" || s === "skipped");
  return allFailed && anyFailed ? "failed" : anyFailed ? "partial" : "succeeded";
}
