import type { SyncedType } from "../domain/synced.js";
import type { RunOutcome } from "../domain/run-outcome.js";
import type { Trigger } from "../store/history-store.js";
import type { StreamProgress } from "../sync/stream.js";

/** Function names: the orchestrator and its activities, as registered in functions/. */
export const ORCHESTRATOR = "syncOrchestrator";
/** One type's stream, run to its end as a sub-orchestration of the run. */
export const ORCHESTRATOR_TYPE = "syncTypeOrchestrator";
export const ACTIVITY_PLAN = "syncPlan";
export const ACTIVITY_STREAM = "syncStream";
export const ACTIVITY_FINISH = "syncFinish";

/** One run per tenant at a time: the instance ID is fixed per tenant. */
export const instanceIdOf = (tenantId: string): string => `sync-${tenantId}`;

/**
 * A type's sub-orchestration: fixed per tenant and type, so the status route
 * can find it and a cancel can terminate it: terminating the parent has no
 * effect on the sub-orchestrations it started (IDurableOrchestrationClient.TerminateAsync,
 * remarks, in the Durable extension's API reference).
 * Instance IDs are 1 to 100 characters without / \ # ? (durable-functions-orchestrations.md);
 * this one is at most 61.
 */
export const typeInstanceIdOf = (tenantId: string, type: SyncedType): string => `${instanceIdOf(tenantId)}:${type}`;

export type RunMode = "live" | "preview";

export interface RunInput {
  readonly tenantId: string;
  readonly runId: string;
  readonly trigger: Trigger;
  readonly mode: RunMode;
  /** Only these of the tenant's types (a notification run); absent: all of them. */
  readonly types?: readonly SyncedType[];
}

export interface RunPlan {
  readonly types: readonly SyncedType[];
  readonly fullScan: boolean;
  readonly startedAt: string;
}

export interface StreamTaskInput extends RunInput {
  readonly type: SyncedType;
  readonly fullScan: boolean;
}

export interface FinishTaskInput extends RunInput {
  readonly startedAt: string;
  readonly types: readonly SyncedType[];
  readonly failures: Readonly<Partial<Record<SyncedType, string>>>;
}

export interface RunSummary {
  readonly runId: string;
  readonly status: RunOutcome;
  readonly types: Readonly<Partial<Record<string, { total: number; changed: number; deleted: number; filtered: number; status: string }>>>;
}

/** One type's progress: pages and objects done so far in this run. */
export interface TypeProgress {
  readonly pages: number;
  readonly objects: number;
  readonly done: boolean;
  readonly status: StreamProgress["status"] | "failed";
}

/** A type sub-orchestration's custom status and output: its progress, and why it failed. */
export interface TypeResult extends TypeProgress {
  readonly runId: string;
  readonly type: SyncedType;
  /** Stream activity calls so far (one per continuation). */
  readonly calls: number;
  readonly error: string | null;
}

/** What the run's custom status shows while a run goes on. */
export interface RunProgress {
  readonly phase: "planning" | "streams" | "finishing" | "done";
  readonly runId: string;
  readonly trigger: Trigger;
  readonly mode: RunMode;
  readonly types: Readonly<Partial<Record<SyncedType, TypeProgress>>>;
}
