import type { SyncedType } from "../domain/synced.js";
import { typeInstanceIdOf, type RunProgress, type TypeProgress, type TypeResult } from "./contract.js";
import type { OrchestrationClient } from "./start-run.js";

type InstanceStatus = Awaited<ReturnType<OrchestrationClient["getStatus"]>>;

export const isRunProgress = (v: unknown): v is RunProgress =>
  typeof v === "object" && v !== null && typeof (v as RunProgress).phase === "string" && typeof (v as RunProgress).types === "object";

const isTypeResult = (v: unknown): v is TypeResult =>
  typeof v === "object" && v !== null && typeof (v as TypeResult).runId === "string" && typeof (v as TypeResult).pages === "number";

/**
 * The run's progress as the status route shows it: the run's own custom
 * status, with each type's live figures taken from that type's
 * sub-orchestration while the streams run (the parent only learns them
 * when all are done; sync-orchestrator.ts). A type whose sub-orchestration
 * still shows an earlier run keeps the parent's figures.
 */
export async function readRunProgress(client: OrchestrationClient, tenantId: string, run: InstanceStatus): Promise<RunProgress | null> {
  const p = run?.customStatus;
  if (!isRunProgress(p)) return null;
  if (p.phase !== "streams") return p;
  const types: Partial<Record<SyncedType, TypeProgress>> = { ...p.types };
  await Promise.all(
    (Object.keys(p.types) as SyncedType[]).map(async (type) => {
      const c = (await client.getStatus(typeInstanceIdOf(tenantId, type)))?.customStatus;
      if (isTypeResult(c) && c.runId === p.runId) types[type] = { pages: c.pages, objects: c.objects, done: c.done, status: c.status };
    }),
  );
  return { ...p, types };
}
