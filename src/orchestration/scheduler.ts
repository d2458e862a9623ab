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
 * Starts in flight at once in one tick. Each start is a few storage round
 * trips and a Durable client call (an HTTP request to the extension), so one
 * by one a tick over 1,000 due tenants took tens of seconds; a bounded pool
 * keeps it short without flooding the task hub or the tenants table.
 */
export const TICK_START_CONCURRENCY = 16;

/**
 * One timer tick: start a run for each due tenant that has none running.
 * Each tenant is isolated: one whose start fails (a storage or Durable
 * client error) is logged by ID, left out of the result, and the tick goes
 * on with the rest. Up to `concurrency` tenants are started at once; each
 * tenant's own start stays one claim then one startNew (startRun).
 */
export async function tick(
  client: OrchestrationClient,
  tenants: TenantStore,
  now: () => number = Date.now,
  log: TickLog = (message) => console.error(message),
  concurrency = TICK_START_CONCURRENCY,
): Promise<Map<string, StartResult>> {
  const out = new Map<string, StartResult>();
  const due: string[] = [];
  for await (const { value } of tenants.list()) if (isDue(value, now())) due.push(value.id);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < due.length) {
      const id = due[next++]!;
      try {
        out.set(id, await startRun(client, tenants, id, "schedule", "live", now));
      } catch (err) {
        log(`sync timer: starting a run for tenant ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
  return out;
}
