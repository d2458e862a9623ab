import type { InvocationContext } from "@azure/functions";
import type { OrchestrationHandler } from "durable-functions";
import { getServices, type Services } from "../services.js";
import { finishTask } from "./activities/finish.js";
import { planRun } from "./activities/plan.js";
import { streamTask } from "./activities/stream.js";
import { ACTIVITY_FINISH, ACTIVITY_PLAN, ACTIVITY_STREAM, ORCHESTRATOR, ORCHESTRATOR_TYPE, type FinishTaskInput, type RunInput, type StreamTaskInput } from "./contract.js";
import { syncOrchestrator } from "./sync-orchestrator.js";
import { syncTypeOrchestrator } from "./type-orchestrator.js";

export type ActivityHandler = (input: unknown, ctx: InvocationContext) => Promise<unknown>;

/** Every orchestrator and activity, by name: functions/ registers these, the local runtime runs them. */
export const ORCHESTRATORS: Readonly<Record<string, OrchestrationHandler>> = Object.freeze({
  [ORCHESTRATOR]: syncOrchestrator,
  [ORCHESTRATOR_TYPE]: syncTypeOrchestrator,
});

/** The activities over given services (tests pass their own). */
export function activitiesFor(services: () => Services): Readonly<Record<string, ActivityHandler>> {
  // Inputs come from our own orchestrator, serialized by Durable; the types are its contract.
  return Object.freeze({
    [ACTIVITY_PLAN]: (input: unknown) => planRun(services(), input as RunInput),
    [ACTIVITY_STREAM]: (input: unknown, ctx: InvocationContext) => streamTask(services(), input as StreamTaskInput, ctx),
    [ACTIVITY_FINISH]: (input: unknown, ctx: InvocationContext) => finishTask(services(), input as FinishTaskInput, ctx),
  });
}

export const ACTIVITIES = activitiesFor(getServices);
