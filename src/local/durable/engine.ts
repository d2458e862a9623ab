/**
 * Typed access to the parts of `durable-functions` that the package does not
 * declare: the real replay engine (`Orchestrator`), its test input
 * (`DurableOrchestrationInput`, `DummyOrchestrationContext`) and the history
 * event classes. Everything is loaded with `createRequire` from the package's
 * own `lib/src`, so the orchestration logic that runs here is the package's.
 */
import { createRequire } from "node:module";
import type { LogHandler } from "@azure/functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";

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
  readonly fireAt?: Date;
  readonly isCanceled?: boolean;
  readonly externalEventName?: string;
  readonly compoundActions?: readonly EngineAction[];
}

/** OrchestratorState (lib/src/orchestrations/OrchestratorState.js), schema V1: actions are arrays of flattened actions. */
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

interface OrchestratorInstance {
  handle(trigger: unknown, context: unknown): Promise<EngineState>;
  /** Internal: the executor of the last `handle` call; read only to cross-check event ids. */
  taskOrchestrationExecutor?: { sequenceNumber?: unknown };
}
type OrchestratorCtor = new (fn: OrchestrationHandler) => OrchestratorInstance;
type DurableOrchestrationInputCtor = new (
  instanceId: string,
  history: HistoryEvent[],
  input: unknown,
  longRunningTimerIntervalDuration: string,
  maximumShortTimerDuration: string,
  defaultHttpAsyncRequestSleepTimeMillseconds: number,
  schemaVersion: number,
  isReplaying: boolean,
  parentInstanceId: string,
) => unknown;
type DummyOrchestrationContextCtor = new (functionName: string, invocationId: string, logHandler: LogHandler) => OrchestrationContext;

const { Orchestrator } = require(`${LIB}/orchestrations/Orchestrator.js`) as { Orchestrator: OrchestratorCtor };
const { DurableOrchestrationInput, DummyOrchestrationContext } = require(`${LIB}/util/testingUtils.js`) as {
  DurableOrchestrationInput: DurableOrchestrationInputCtor;
  DummyOrchestrationContext: DummyOrchestrationContextCtor;
};

const OUT_OF_PROC_LABEL = "\n\n$OutOfProcData$:";
/** ReplaySchema.V1: flat action lists, no long-timer splitting (the local runtime has no timer length limit). */
const SCHEMA_V1 = 0;

export type ReplayResult =
  | { ok: true; state: EngineState; sequenceNumber: number | undefined }
  | { ok: false; message: string; customStatus: unknown };

/**
 * One replay: runs the real `Orchestrator` over the whole history with a fresh
 * context. The engine reports an orchestrator exception by throwing an
 * OrchestrationFailureError whose message carries the serialized state; the
 * state's `error` is the orchestrator's own error message.
 */
export async function replay(opts: {
  fn: OrchestrationHandler;
  name: string;
  instanceId: string;
  parentInstanceId: string;
  history: HistoryEvent[];
  input: unknown;
  logHandler: LogHandler;
}): Promise<ReplayResult> {
  const orchestrator = new Orchestrator(opts.fn);
  const trigger = new DurableOrchestrationInput(
    opts.instanceId,
    opts.history,
    opts.input,
    "3.00:00:00",
    "6.00:00:00",
    30_000,
    SCHEMA_V1,
    false,
    opts.parentInstanceId,
  );
  const context = new DummyOrchestrationContext(opts.name, `${opts.instanceId}:${opts.history.length}`, opts.logHandler);
  try {
    const state = await orchestrator.handle(trigger, context);
    const seq = orchestrator.taskOrchestrationExecutor?.sequenceNumber;
    return { ok: true, state, sequenceNumber: typeof seq === "number" ? seq : undefined };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = message.indexOf(OUT_OF_PROC_LABEL);
    if (at >= 0) {
      try {
        const state = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as { error?: unknown; customStatus?: unknown };
        if (typeof state.error === "string") return { ok: false, message: state.error, customStatus: state.customStatus };
      } catch {
        // fall through to the raw message
      }
    }
    return { ok: false, message, customStatus: undefined };
  }
}

/** Flattens V1 action groups (and any compound action) to the atomic actions, in scheduling order. */
export function flattenActions(groups: readonly (readonly EngineAction[])[]): EngineAction[] {
  const out: EngineAction[] = [];
  const visit = (a: EngineAction): void => {
    if (a.compoundActions) a.compoundActions.forEach(visit);
    else out.push(a);
  };
  for (const group of groups) group.forEach(visit);
  return out;
}
