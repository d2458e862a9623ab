import type { SyncedType } from "../domain/synced.js";
import { RESOURCES } from "../graph/resources/index.js";
import { instanceIdOf, typeInstanceIdOf } from "./contract.js";
import { isRunProgress } from "./progress.js";
import type { OrchestrationClient } from "./start-run.js";
import { isActive } from "./status.js";

/**
 * Terminates the tenant's type sub-orchestrations that still run. Ending a
 * run never reaches them by itself: terminating a parent has no effect on
 * the sub-orchestrations it started (IDurableOrchestrationClient.TerminateAsync
 * remarks), and a run that gave up on a failed child leaves the others going.
 * Returns the instance IDs it terminated.
 */
export async function terminateTypes(client: OrchestrationClient, tenantId: string, reason: string, types: readonly SyncedType[] = RESOURCES.map((r) => r.type)): Promise<string[]> {
  if (!client.terminate) throw new Error("the Durable client cannot terminate instances");
  const done: string[] = [];
  for (const type of types) {
    const id = typeInstanceIdOf(tenantId, type);
    const s = await client.getStatus(id);
    if (s && isActive(s.runtimeStatus)) {
      await client.terminate(id, reason);
      done.push(id);
    }
  }
  return done;
}

/** Removes the run's and its types' histories (purging a parent leaves its sub-orchestrations). */
export async function purgeRun(client: OrchestrationClient, tenantId: string): Promise<void> {
  if (!client.purge) return;
  await client.purge(instanceIdOf(tenantId));
  for (const r of RESOURCES) await client.purge(typeInstanceIdOf(tenantId, r.type));
}

/**
 * Whether a finished run may have left a type's sub-orchestration running:
 * it did not complete, or it completed with a type unfinished (the run's
 * Task.all gave up when one child failed beyond its retries).
 */
export function mayHaveLeftTypes(run: { readonly runtimeStatus: string; readonly customStatus?: unknown }): boolean {
  if (run.runtimeStatus !== "Completed") return true;
  const p = run.customStatus;
  return isRunProgress(p) && Object.values(p.types).some((t) => t !== undefined && !t.done);
}
