/**
 * The out-of-proc protocol between the Durable extension and the worker:
 * history events (built with durable-functions' own classes from its internal
 * `lib/src/history`, which validate required fields; package.json pins the
 * version), the orchestrationTrigger payload, and the action and state shapes
 * the registered orchestrator returns. The replay itself is the registered
 * function's: `df.app.orchestration` wraps the real `Orchestrator`.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const LIB = "durable-functions/lib/src";

/** HistoryEventType numbers (lib/src/history/HistoryEventType.js). */
export const EventType = {
  ExecutionStarted: 0,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
} as const;

/** ActionType numbers (lib/src/actions/ActionType.js). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

const ACTION_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ActionType).map(([k, v]) => [v, k]));
export function actionTypeName(type: number): string {
  return ACTION_NAMES[type] ?? `ActionType#${type}`;
}

/** The fields every history event has (lib/src/history/HistoryEvent.js). */
export interface HistoryEvent {
  readonly EventType: number;
  readonly EventId: number;
  IsPlayed: boolean;
  readonly Timestamp: Date;
  readonly [field: string]: unknown;
}

/** Retry options as carried by the *WithRetry actions (RetryOptions instance). */
export interface RetryOptionsLike {
  readonly firstRetryIntervalInMilliseconds: number;
  readonly maxNumberOfAttempts: number;
  readonly backoffCoefficient?: number;
  readonly maxRetryIntervalInMilliseconds?: number;
  readonly retryTimeoutInMilliseconds?: number;
}

/** An action as the engine returns it. Only the fields the runtime reads. */
export interface EngineAction {
  readonly actionType: number;
  readonly functionName?: string;
  readonly input?: unknown;
  readonly retryOptions?: RetryOptionsLike;
  readonly instanceId?: string;
  readonly fireAt?: string;
  readonly isCanceled?: boolean;
  readonly externalEventName?: string;
  readonly compoundActions?: readonly EngineAction[];
}

/** OrchestratorState (lib/src/orchestrations/OrchestratorState.js) as the worker returns it, JSON-parsed. */
export interface EngineState {
  readonly isDone: boolean;
  readonly actions: readonly (readonly EngineAction[])[];
  readonly output?: unknown;
  readonly error?: string;
  readonly customStatus?: unknown;
}

interface HistoryEventOptions {
  eventId: number;
  timestamp: Date;
  isPlayed: boolean;
  [field: string]: unknown;
}
type HistoryEventClass = new (options: HistoryEventOptions) => HistoryEvent;

function eventClass(file: string): HistoryEventClass {
  const mod = require(`${LIB}/history/${file}.js`) as Record<string, HistoryEventClass | undefined>;
  const cls = mod[file];
  if (!cls) throw new Error(`durable-functions: ${file} not found`);
  return cls;
}

const Events = {
  OrchestratorStarted: eventClass("OrchestratorStartedEvent"),
  OrchestratorCompleted: eventClass("OrchestratorCompletedEvent"),
  ExecutionStarted: eventClass("ExecutionStartedEvent"),
  TaskScheduled: eventClass("TaskScheduledEvent"),
  TaskCompleted: eventClass("TaskCompletedEvent"),
  TaskFailed: eventClass("TaskFailedEvent"),
  TimerCreated: eventClass("TimerCreatedEvent"),
  TimerFired: eventClass("TimerFiredEvent"),
  SubOrchestrationInstanceCreated: eventClass("SubOrchestrationInstanceCreatedEvent"),
  SubOrchestrationInstanceCompleted: eventClass("SubOrchestrationInstanceCompletedEvent"),
  SubOrchestrationInstanceFailed: eventClass("SubOrchestrationInstanceFailedEvent"),
  EventRaised: eventClass("EventRaisedEvent"),
};

/** Builds history events with the package's own classes (they validate required fields). */
export function historyEvent(kind: keyof typeof Events, eventId: number, timestamp: Date, fields: Record<string, unknown> = {}): HistoryEvent {
  return new Events[kind]({ ...fields, eventId, timestamp, isPlayed: false });
}

const OUT_OF_PROC_LABEL = "\n\n$OutOfProcData$:";
/**
 * ReplaySchema.V2: actions come back nested (WhenAny/WhenAll keep their
 * children), as the extension's ProcessAsyncActionsV2 reads them; no
 * long-timer splitting (V3), which the local backend does not need.
 */
export const SCHEMA_V2 = 1;

/**
 * The orchestrationTrigger payload the extension sends the worker
 * (durable-functions lib/src/orchestrations/DurableOrchestrationBindingInfo.js):
 * the whole history, serialized as JSON, as the out-of-proc protocol does.
 */
export function orchestrationTriggerPayload(o: { instanceId: string; history: readonly HistoryEvent[]; input: unknown; parentInstanceId: string; isReplaying: boolean }): string {
  return JSON.stringify({
    history: o.history,
    input: o.input,
    instanceId: o.instanceId,
    isReplaying: o.isReplaying,
    parentInstanceId: o.parentInstanceId,
    upperSchemaVersion: SCHEMA_V2,
    longRunningTimerIntervalDuration: "3.00:00:00",
    maximumShortTimerDuration: "6.00:00:00",
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  });
}

/**
 * An orchestrator that threw: the engine throws an OrchestrationFailureError
 * whose message carries the serialized state after a label; its `error` is
 * the orchestrator's own message.
 */
export function orchestratorFailure(message: string): { message: string; customStatus: unknown } {
  const at = message.indexOf(OUT_OF_PROC_LABEL);
  if (at >= 0) {
    try {
      const state = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as { error?: unknown; customStatus?: unknown };
      if (typeof state.error === "string") return { message: state.error, customStatus: state.customStatus };
    } catch {
      // fall through to the raw message
    }
  }
  return { message, customStatus: undefined };
}

/**
 * Every leaf of the action list, compound children included, in order, with
 * no deduplication: the extension invokes each action it is handed and gives
 * each leaf the next sequence number (Azure/azure-functions-durable-extension,
 * src/WebJobs.Extensions.DurableTask/Listener/OutOfProcOrchestrationShim.cs,
 * ProcessAsyncActionsV2). A task yielded again inside a new Task.any is
 * therefore scheduled again (durable-js issue #574).
 */
export function flattenActions(groups: readonly (readonly EngineAction[])[]): EngineAction[] {
  const out: EngineAction[] = [];
  const visit = (a: EngineAction): void => {
    if (a.compoundActions) a.compoundActions.forEach(visit);
    else out.push(a);
  };
  for (const group of groups) group.forEach(visit);
  return out;
}
