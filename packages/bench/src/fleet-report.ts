import type { FleetReport } from "./fleet-types.js";

/** The fleet run as text, for the bench's table output. */
export function fleetText(f: FleetReport): string {
  const large = f.users.large.length ? ` and ${f.users.large.length} of ${f.users.large.join(", ")} users` : "";
  return [
    `fleet: ${f.tenants} tenants (${f.tenants - f.users.large.length} of ${f.users.smallMin}–${f.users.smallMax} users${large}; ${f.users.total} users), one app registration, ${f.latencyMs} ms per Graph request, ${f.maxConcurrentActivities} activities at once (one host), throttling budget ${f.throttleBudget}`,
    `  tick ${f.tickSeconds} s to start ${f.orchestrationsStarted} orchestrations (second tick started ${f.secondTickStarted}); duplicate runs ${f.duplicateRuns} (Durable backend), ${f.duplicateRunsByHistory} (run history)`,
    `  ${f.completed} completed, ${f.failed} failed, ${f.notFinished} not finished; wall ${f.wallSeconds} s (per tenant p50 ${f.runSeconds.p50} s, p95 ${f.runSeconds.p95} s, max ${f.runSeconds.max} s)`,
    `  Graph requests ${f.graphRequests}, 429s ${f.throttled429}; host CPU ${f.hostCpuSeconds} s, peak RSS ${f.hostPeakRssMb} MB; registration ${f.registerSeconds} s (not in the wall time)`,
    `  elsewhere: simulator ${f.simulatorCpuSeconds} CPU s (registration included), Azurite ${f.tablesCpuSeconds} CPU s`,
  ].join("\n");
}
