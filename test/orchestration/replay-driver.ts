/**
 * Replays one orchestrator's history through the real durable-functions
 * `Orchestrator`, as the azure-functions-durable-js tests do, and processes
 * the returned actions the way the extension does: every leaf of the action
 * list, compound children included, takes the next position, and a leaf at a
 * position not yet in the history is scheduled anew, with no deduplication
 * (OutOfProcOrchestrationShim.cs, ProcessAsyncActionsV2). Completions are
 * given by the test, in any order, so it can check what gets scheduled.
 */
import { createRequire } from "node:module";
import functions from "@azure/functions";
import type { OrchestrationHandler } from "durable-functions";
import {
  ActionType,
  flattenActions,
  historyEvent,
  orchestrationTriggerPayload,
  orchestratorFailure,
  type EngineAction,
  type EngineState,
  type HistoryEvent,
} from "../../packages/local-host/src/durable/engine.js";

const require = createRequire(import.meta.url);
interface OrchestratorInstance {
  handle(trigger: unknown, context: unknown): Promise<EngineState>;
  taskOrchestrationExecutor?: { sequenceNumber?: unknown };
}
const { Orchestrator } = require("durable-functions/lib/src/orchestrations/Orchestrator.js") as { Orchestrator: new (fn: OrchestrationHandler) => OrchestratorInstance };

/** A scheduled activity or sub-orchestration, across its retry attempts. */
export interface Scheduled {
  /** Event id of the attempt in flight. */
  id: number;
  readonly kind: "activity" | "subOrchestration";
  readonly name: string;
  readonly input: unknown;
  readonly instanceId: string | undefined;
  /** From the *WithRetry action; undefined without retry. */
  readonly maxAttempts: number | undefined;
  attempt: number;
  open: boolean;
}

type Outcome = { ok: true; result: unknown } | { ok: false; message: string };

const isActivity = (a: EngineAction): boolean => a.actionType === ActionType.CallActivity || a.actionType === ActionType.CallActivityWithRetry;

/** Activity inputs arrive pre-serialized as strings (durable-functions Utils.processInput). */
const inputOf = (a: EngineAction): unknown => (isActivity(a) && typeof a.input === "string" ? JSON.parse(a.input) : a.input);

export class ReplayDriver {
  readonly history: HistoryEvent[] = [];
  /** Every task the extension scheduled, in order. */
  readonly scheduled: Scheduled[] = [];
  /** Every scheduling, retry attempts included: name and input. */
  readonly log: Array<{ readonly name: string; readonly input: unknown; readonly instanceId: string | undefined }> = [];
  /** Leaves already taken from the action list. */
  private positions = 0;
  private nextId = 0;
  private clock = Date.parse("2026-11-21T12:00:00Z");
  state: EngineState | undefined;
  failure: string | undefined;
  /** Replays after which the engine's sequence number and the extension's differed. */
  idMismatches = 0;

  constructor(
    private readonly fn: OrchestrationHandler,
    private readonly instanceId: string,
    private readonly input: unknown,
  ) {}

  get done(): boolean {
    return this.failure !== undefined || this.state?.isDone === true;
  }
  get output(): unknown {
    return this.state?.output;
  }
  get customStatus(): unknown {
    return this.state?.customStatus;
  }
  /** Outstanding work, oldest first. */
  get open(): Scheduled[] {
    return this.scheduled.filter((s) => s.open);
  }

  start(): Promise<void> {
    return this.episode([historyEvent("ExecutionStarted", -1, this.now(), { name: "orchestrator", input: JSON.stringify(this.input) })]);
  }

  /** Delivers outcomes in one batch (one replay), in the order given. */
  deliver(outcomes: ReadonlyArray<readonly [Scheduled, Outcome]>): Promise<void> {
    const events: HistoryEvent[] = [];
    const ts = this.now();
    for (const [s, o] of outcomes) {
      if (!s.open) throw new Error(`${s.name} #${s.id} is not open`);
      s.open = false;
      const activity = s.kind === "activity";
      if (o.ok) {
        const result = JSON.stringify(o.result);
        events.push(historyEvent(activity ? "TaskCompleted" : "SubOrchestrationInstanceCompleted", -1, ts, { taskScheduledId: s.id, result }));
        continue;
      }
      events.push(historyEvent(activity ? "TaskFailed" : "SubOrchestrationInstanceFailed", -1, ts, { taskScheduledId: s.id, reason: o.message, details: "Error: stack\n    at somewhere (file.js:1:1)" }));
      // A *WithRetry task then waits on a timer with the next id, and (attempts left) is scheduled again.
      // (durable-functions lib/src/task/RetryableTask.js: a timer follows every failed attempt, the last one included.)
      if (s.maxAttempts !== undefined) {
        const timerId = this.nextId++;
        events.push(historyEvent("TimerCreated", timerId, ts, { fireAt: ts }));
        events.push(historyEvent("TimerFired", -1, ts, { timerId, fireAt: ts }));
        if (s.attempt < s.maxAttempts) {
          s.attempt++;
          s.id = this.nextId++;
          s.open = true;
          events.push(this.scheduledEvent(s, ts));
        }
      }
    }
    return this.episode(events);
  }

  complete(s: Scheduled, result: unknown): Promise<void> {
    return this.deliver([[s, { ok: true, result }]]);
  }
  fail(s: Scheduled, message: string): Promise<void> {
    return this.deliver([[s, { ok: false, message }]]);
  }

  private now(): Date {
    this.clock += 1000;
    return new Date(this.clock);
  }

  private scheduledEvent(s: Scheduled, ts: Date): HistoryEvent {
    this.log.push({ name: s.name, input: s.input, instanceId: s.instanceId });
    const input = JSON.stringify(s.input);
    return s.kind === "activity"
      ? historyEvent("TaskScheduled", s.id, ts, { name: s.name, input })
      : historyEvent("SubOrchestrationInstanceCreated", s.id, ts, { name: s.name, input, instanceId: s.instanceId ?? `${this.instanceId}:${s.id}` });
  }

  private async episode(events: HistoryEvent[]): Promise<void> {
    if (this.done) throw new Error("the orchestration is done");
    const ts = this.now();
    for (const e of this.history) e.IsPlayed = true;
    this.history.push(historyEvent("OrchestratorStarted", -1, ts), ...events);
    const orchestrator = new Orchestrator(this.fn);
    const payload = JSON.parse(orchestrationTriggerPayload({ instanceId: this.instanceId, history: this.history, input: this.input, parentInstanceId: "", isReplaying: false })) as unknown;
    const context = new functions.InvocationContext({ functionName: "orchestrator", invocationId: String(this.history.length), logHandler: () => {} });
    try {
      this.state = JSON.parse(JSON.stringify(await orchestrator.handle(payload, context))) as EngineState;
    } catch (err) {
      this.failure = orchestratorFailure(err instanceof Error ? err.message : String(err)).message;
      return;
    }
    const leaves = flattenActions(this.state.actions);
    for (const a of leaves.slice(this.positions)) {
      if (a.actionType === ActionType.CreateTimer || a.actionType === ActionType.WaitForExternalEvent) throw new Error("this driver schedules activities and sub-orchestrations only");
      const s: Scheduled = {
        id: this.nextId++,
        kind: isActivity(a) ? "activity" : "subOrchestration",
        name: a.functionName ?? "",
        input: inputOf(a),
        instanceId: a.instanceId || undefined,
        maxAttempts: a.retryOptions?.maxNumberOfAttempts,
        attempt: 1,
        open: true,
      };
      this.scheduled.push(s);
      this.history.push(this.scheduledEvent(s, ts));
    }
    this.positions = leaves.length;
    const seq = orchestrator.taskOrchestrationExecutor?.sequenceNumber;
    if (typeof seq === "number" && seq !== this.nextId) this.idMismatches++;
    if (!this.state.isDone) this.history.push(historyEvent("OrchestratorCompleted", -1, ts));
  }
}
