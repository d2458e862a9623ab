import type { TenantRecord, TenantStore } from "../store/tenant-store.js";
import { startRun, type OrchestrationClient, type StartResult } from "./start-run.js";

/**
 * Enabled, due, and not waiting for an admin's decision on deletions.
 * "Not running" is decided by startRun from the instance itself, so a
 * tenant whose last run died is not stuck behind a stale status.
 */
export function isDue(t: TenantRecord, now: number): boolean {
  return t.status !== "deleting" && t.enabled && !t.deletionsPending && t.nextRunAt !== null && Date.parse(t.nextRunAt) <= now;
}

export type TickLog = (message: string) => void;

/**
 * One timer tick: start a run for each due tenant that has none running.
 * Each tenant is isolated: one whose start fails (a storage or Durable
 * client error) is logged by ID, left out of the result, and the tick goes
 * on with the rest.
 */
export async function tick(
  client: OrchestrationClient,
  tenants: TenantStore,
  now: () => number = Date.now,
  log: TickLog = (message) => console.error(message),
): Promise<Map<string, StartResult>> {
  const out = new Map<string, StartResult>();
  const due: string[] = [];
  for await (const { value } of tenants.list()) if (isDue(value, now())) due.push(value.id);
  for (const id of due) {
    try {
      out.set(id, await startRun(client, tenants, id, "schedule", "live", now));
    } catch (err) {
      log(`sync timer: starting a run for tenant ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}
