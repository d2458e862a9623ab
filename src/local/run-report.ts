import type { RunSummary } from "../orchestration/contract.js";

/** One short line per run for the local console: per-type counts, duration and status. */
export function formatRun(tenant: string, summary: RunSummary | undefined, runtimeStatus: string, ms: number): string {
  const seconds = (ms / 1000).toFixed(1);
  if (!summary) return `[sync] ${tenant}: ${runtimeStatus} after ${seconds}s`;
  const parts = Object.entries(summary.types).map(([type, c]) =>
    c ? `${type} ${c.total} (+${c.changed} -${c.deleted}${c.filtered ? ` ~${c.filtered} filtered` : ""}${c.status !== "succeeded" ? ` ${c.status}` : ""})` : type,
  );
  return `[sync] ${tenant}: ${summary.status} in ${seconds}s, run ${summary.runId}\n       ${parts.join(", ")}`;
}
