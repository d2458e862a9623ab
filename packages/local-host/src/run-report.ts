import { logText } from "../../../src/monitoring/log-text.js";
import type { RunSummary } from "../../../src/orchestration/contract.js";

/** One short line per run for the local console: per-type counts, duration and status. */
export function formatRun(tenantName: string, summary: RunSummary | undefined, runtimeStatus: string, ms: number): string {
  // The name is the directory's displayName: escaped, so it cannot forge or colour lines.
  const tenant = logText(tenantName);
  const seconds = (ms / 1000).toFixed(1);
  if (!summary) return `[sync] ${tenant}: ${logText(runtimeStatus)} after ${seconds}s`;
  const parts = Object.entries(summary.types).map(([type, c]) =>
    c ? `${logText(type)} ${c.total} (+${c.changed} -${c.deleted}${c.filtered ? ` ~${c.filtered} filtered` : ""}${c.status !== "succeeded" ? ` ${c.status}` : ""})` : logText(type),
  );
  return `[sync] ${tenant}: ${summary.status} in ${seconds}s, run ${summary.runId}\n       ${parts.join(", ")}`;
}
