import { ActionType, actionTypeName, type EngineAction, type RetryOptionsLike } from "./engine.js";
import { decodeProcessedInput, roundTrip } from "./status.js";

/** A scheduled activity or sub-orchestration, across its retry attempts. */
export interface Work {
  kind: "activity" | "subOrchestration";
  name: string;
  input: unknown;
  /** Explicit sub-orchestration instance id, if the orchestrator gave one. */
  childInstanceId: string | undefined;
  retry: RetryOptionsLike | undefined;
  /** Attempts started so far (1-based). */
  attempt: number;
  /** Event id of the attempt in flight. */
  currentId: number;
  /** Orchestration time of the first attempt (for retryTimeoutInMilliseconds). */
  firstAttemptAt: number;
  lastError: Error | undefined;
  /** The retry timeout ran out: the remaining attempts fail at once without running. */
  exhausted: boolean;
}

export type Completion =
  | { type: "completed"; work: Work; id: number; resultJson: string }
  | { type: "failed"; work: Work; id: number; error: Error }
  | { type: "timer"; id: number; fireAt: Date; retryOf: Work | undefined }
  | { type: "event"; name: string; inputJson: string | undefined };


export function isAllocating(c: Completion): boolean {
  if (c.type === "failed") return c.work.retry !== undefined;
  if (c.type === "timer") return c.retryOf?.retry !== undefined && c.retryOf.attempt < c.retryOf.retry.maxNumberOfAttempts;
  return false;
}

export function signatureOf(a: EngineAction): string {
  const type = actionTypeName(a.actionType);
  switch (a.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return `${type}(${JSON.stringify(a.functionName)}, ${JSON.stringify(decodeProcessedInput(a.input)) ?? "undefined"})`;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return `${type}(${JSON.stringify(a.functionName)}, ${JSON.stringify(roundTrip(a.input)) ?? "undefined"}${a.instanceId ? `, ${JSON.stringify(a.instanceId)}` : ""})`;
    case ActionType.CreateTimer:
      return `${type}(${new Date(String(a.fireAt)).toISOString()})`;
    case ActionType.WaitForExternalEvent:
      return `${type}(${JSON.stringify(a.externalEventName)})`;
    default:
      return `${type}(${JSON.stringify(a.functionName ?? null)})`;
  }
}

