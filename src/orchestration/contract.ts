import type { SyncedType } from "../graph/resource.js";
import type { Trigger } from "../store/history-store.js";
import type { StreamProgress } from "../sync/stream.js";

/** Function names: the orchestrator and its activities, as registered in functions/. */
export const ORCHESTRATOR = "syncOrchestrator";
export const ACTIVITY_PLAN = "syncPlan";
export const ACTIVITY_STREAM = "syncStream";
export const ACTIVITY_FINISH = "syncFinish";

/** One run per tenant at a time: the instance ID is fixed per tenant. */
export const instanceIdOf = (tenantId: string): string => `sync-${tenantId}`;

export type RunMode = "live" | "preview";

export interface RunInput {
  readonly tenantId: string;
  readonly runId: string;
  readonly trigger: Trigger;
  readonly mode: RunMode;
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
  readonly status: "succeeded" | "partial" | "failed" | "held";
  readonly types: Readonly<Partial<Record<string, { total: number; changed: number; deleted: number; filtered: number; status: string }>>>;
}

/** What the custom status shows while a run goes on. */
export interface RunProgress {
  readonly phase: "planning" | "streams" | "finishing" | "done";
  readonly runId: string;
  readonly trigger: Trigger;
  readonly mode: RunMode;
  readonly types: Readonly<Partial<Record<SyncedType, { pages: number; objects: number; done: boolean; status: StreamProgress["status"] | "failed" }>>>;
}
