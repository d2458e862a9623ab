/**
 * The local Durable backend: what the Durable extension does around the
 * worker, for local runs and tests.
 *
 * It is NOT an orchestration engine: every replay invokes the REGISTERED
 * orchestrator function (`df.app.orchestration`, which wraps the real
 * durable-functions `Orchestrator`) through the worker contract, with the
 * history as the orchestrationTrigger input; activities are invoked the same
 * way. This class keeps each instance's history, runs the activities, timers
 * and sub-orchestrations the returned actions ask for, appends their outcomes
 * as history events, and replays.
 *
 * Everything is in memory: instances, histories and pending timers are lost
 * when the process exits, and nothing is resumed on the next start (unlike the
 * real host, whose state lives in the task hub).
 *
 * Time: each episode's OrchestratorStarted timestamp (= context.df.currentUtcDateTime)
 * is the wall clock, but never earlier than the previous episode or than the
 * fireAt of a timer fired in it. With timerScale < 1 the orchestration's clock
 * therefore runs ahead of the wall clock after a timer, as if the wait had
 * really happened.
 *
 * Event ids are the extension's: every leaf of the returned action list,
 * compound children included, takes the next id, with no deduplication
 * (OutOfProcOrchestrationShim.cs, ProcessAsyncActionsV2; see flattenActions).
 * An orchestrator that re-yields an already scheduled task inside a new
 * Task.any therefore schedules it again, as on Azure (durable-js #574). In
 * addition a `*WithRetry` task takes one id for the timer after each failed
 * attempt and one for each re-scheduled attempt (DTFx RetryInterceptor); each
 * batch puts those retry events first, before anything that can resume the
 * orchestrator.
 */
import "../worker/core.js";
import type { InvocationContext } from "@azure/functions";
import df, { type OrchestrationHandler } from "durable-functions";
import { captureRegistrations, triggerOf, type FunctionRegistry } from "../worker/core.js";
import { invokeFunction, typedDataToJson } from "../worker/invoke.js";
import {
  ActionType,
  actionTypeName,
  flattenActions,
  historyEvent,
  orchestrationTriggerPayload,
  orchestratorFailure,
  type EngineAction,
  type EngineState,
  type HistoryEvent,
  type RetryOptionsLike,
} from "./engine.js";

/** What `df.app.orchestration` takes as its handler. */
export type OrchestratorFn = OrchestrationHandler;
export type ActivityFn = (input: unknown, ctx: InvocationContext) => Promise<unknown>;
export type RuntimeStatus = "Pending" | "Running" | "ContinuedAsNew" | "Suspended" | "Completed" | "Failed" | "Terminated";
export type LogLevel = "info" | "warn" | "error";

/**
 * startNew over an instance in one of these states is refused: the
 * extension's default OverridableExistingInstanceStates is NonRunningStates
 * (DurableTaskOptions.cs; OverridableStates.cs), and DTFx refuses with
 * OrchestrationAlreadyExistsException, which HttpApiHandler.cs answers 409.
 */
export const RUNNING_STATES: ReadonlySet<RuntimeStatus> = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);

export class InstanceExistsError extends Error {}

export interface InstanceStatus {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: Date;
  lastUpdatedTime: Date;
}

export interface InstanceStats {
  /** How many times the orchestrator function was replayed. */
  replays: number;
  /** The history events, as fed to the engine (a copy). */
  history: readonly unknown[];
  /** Signatures of the scheduled actions, in scheduling order. */
  signatures: readonly string[];
}

export interface DurableBackendOptions {
  /** The app's registered functions (the host passes the entry points' registry). */
  functions?: FunctionRegistry;
  /** Or handlers, registered here through df.app.orchestration / df.app.activity into a registry of their own. */
  orchestrations?: Record<string, OrchestratorFn>;
  /** Same as orchestrations (older name). */
  orchestrators?: Record<string, OrchestratorFn>;
  activities?: Record<string, ActivityFn>;
  /** Like host.json maxConcurrentActivityFunctions, across all instances. Default 10. */
  maxConcurrentActivities?: number;
  /** Scale timers (and retry delays) for tests, e.g. 0.001. The orchestration still sees the unscaled times. Default 1. */
  timerScale?: number;
  log?: (level: LogLevel, msg: string) => void;
  /** Called once when a top-level instance finishes (Completed, Failed or Terminated). */
  onFinished?: (status: InstanceStatus) => void;
}

const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(["Completed", "Failed", "Terminated"]);
const MAX_TIMEOUT_MS = 2_147_483_647;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** JSON round trip, as the host serializes every payload. `undefined` stays `undefined`. */
function roundTrip(value: unknown): unknown {
  const json = JSON.stringify(value);
  return json === undefined ? undefined : (JSON.parse(json) as unknown);
}

/** Activity and ContinueAsNew inputs: the SDK pre-serializes string inputs (Utils.processInput). */
function decodeProcessedInput(input: unknown): unknown {
  return typeof input === "string" ? (JSON.parse(input) as unknown) : roundTrip(input);
}

class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** A scheduled activity or sub-orchestration, across its retry attempts. */
interface Work {
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

type Completion =
  | { type: "completed"; work: Work; id: number; resultJson: string }
  | { type: "failed"; work: Work; id: number; error: Error }
  | { type: "timer"; id: number; fireAt: Date; retryOf: Work | undefined }
  | { type: "event"; name: string; inputJson: string | undefined };

/** The runtime services an instance uses. */
interface Host {
  readonly timerScale: number;
  log(level: LogLevel, msg: string): void;
  finished(status: InstanceStatus, parentInstanceId: string): void;
  runActivity(name: string, input: unknown): Promise<string>;
  replay(name: string, payload: string): Promise<{ ok: true; state: EngineState } | { ok: false; message: string; customStatus: unknown }>;
  runSubOrchestration(name: string, instanceId: string, input: unknown, parentInstanceId: string): Promise<string>;
  track(p: Promise<unknown>): void;
}

function isAllocating(c: Completion): boolean {
  if (c.type === "failed") return c.work.retry !== undefined;
  if (c.type === "timer") return c.retryOf?.retry !== undefined && c.retryOf.attempt < c.retryOf.retry.maxNumberOfAttempts;
  return false;
}

function signatureOf(a: EngineAction): string {
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

/** One execution of an instance (a new one for each startNew; ContinueAsNew restarts it in place). */
class Instance {
  status: InstanceStatus;
  replays = 0;
  history: HistoryEvent[] = [];
  signatures: string[] = [];
  /** Set when stopped for good (finished, terminated, replaced, runtime stopped): nothing more is applied. */
  stopped = false;
  /** Resolves when the instance stops progressing: terminal, replaced, or the runtime stopped. */
  readonly settled = deferred();

  private input: unknown;
  /** Bumped by ContinueAsNew: outcomes of the previous generation's work are dropped. */
  private generation = 0;
  private nextId = 0;
  private needsStart = true;
  private lastTimestamp = 0;
  private readonly queue: Completion[] = [];
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** Timer event id by action position, to drop timers the orchestrator cancels. */
  private readonly timerIdByPosition = new Map<number, number>();
  private pumping = false;
  private pumpScheduled = false;

  constructor(
    private readonly host: Host,
    readonly name: string,
    readonly instanceId: string,
    input: unknown,
    private readonly parentInstanceId: string,
  ) {
    this.input = input;
    const now = new Date();
    this.status = { instanceId, name, runtimeStatus: "Pending", input, output: undefined, customStatus: undefined, createdTime: now, lastUpdatedTime: now };
  }

  get isTerminal(): boolean {
    return TERMINAL.has(this.status.runtimeStatus);
  }

  snapshot(): InstanceStatus {
    return { ...this.status, createdTime: new Date(this.status.createdTime), lastUpdatedTime: new Date(this.status.lastUpdatedTime) };
  }

  start(): void {
    this.kick();
  }

  raise(name: string, data: unknown): void {
    const json = JSON.stringify(data);
    this.enqueue({ type: "event", name, inputJson: json });
  }

  /** Stops timers; in-flight work keeps running but its outcome is dropped. */
  halt(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.settled.resolve();
  }

  finish(runtimeStatus: "Completed" | "Failed" | "Terminated", output: unknown): void {
    if (this.isTerminal) return;
    this.halt();
    this.status.runtimeStatus = runtimeStatus;
    this.status.output = output;
    this.status.lastUpdatedTime = new Date();
    const level: LogLevel = runtimeStatus === "Completed" ? "info" : "warn";
    this.host.log(level, `orchestration ${this.name} (${this.instanceId}) ${runtimeStatus}${runtimeStatus === "Completed" ? "" : `: ${String(output)}`}`);
    this.host.finished(this.snapshot(), this.parentInstanceId);
  }

  private enqueue(c: Completion, generation = this.generation): void {
    if (this.stopped || generation !== this.generation) return;
    this.queue.push(c);
    this.kick();
  }

  private kick(): void {
    if (this.pumping || this.pumpScheduled || this.stopped) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      void this.pump();
    });
  }

  /** Serializes this instance's replays; completions that arrive meanwhile form the next batch. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && (this.needsStart || this.queue.length > 0)) await this.episode();
    } catch (err) {
      this.finish("Failed", `local durable runtime error: ${errorMessage(err)}`);
    } finally {
      this.pumping = false;
    }
  }

  private append(e: HistoryEvent): void {
    this.history.push(e);
  }

  private async episode(): Promise<void> {
    const first = this.needsStart;
    this.needsStart = false;
    // Retry events first: the engine allocates ids for them, and nothing in them resumes the orchestrator.
    const batch = this.queue.splice(0).sort((a, b) => Number(isAllocating(b)) - Number(isAllocating(a)));
    let tsMs = Math.max(Date.now(), this.lastTimestamp);
    for (const c of batch) if (c.type === "timer") tsMs = Math.max(tsMs, c.fireAt.getTime());
    this.lastTimestamp = tsMs;
    const ts = new Date(tsMs);
    const toStart: (() => void)[] = [];

    for (const e of this.history) e.IsPlayed = true;
    this.append(historyEvent("OrchestratorStarted", -1, ts));
    if (first) {
      this.status.runtimeStatus = "Running";
      this.append(historyEvent("ExecutionStarted", -1, ts, { name: this.name, input: JSON.stringify(this.input) }));
    }

    for (const c of batch) {
      switch (c.type) {
        case "completed":
          this.append(
            c.work.kind === "activity"
              ? historyEvent("TaskCompleted", -1, ts, { taskScheduledId: c.id, result: c.resultJson })
              : historyEvent("SubOrchestrationInstanceCompleted", -1, ts, { taskScheduledId: c.id, result: c.resultJson }),
          );
          break;
        case "failed": {
          const { work } = c;
          const what = work.kind === "activity" ? "Activity function" : "Sub-orchestration";
          const fields = { taskScheduledId: c.id, reason: `${what} '${work.name}' failed: ${c.error.message}`, details: c.error.stack ?? "" };
          this.append(historyEvent(work.kind === "activity" ? "TaskFailed" : "SubOrchestrationInstanceFailed", -1, ts, fields));
          if (work.retry) {
            // The engine (RetryableTask) now waits for a timer with the next id; like DTFx's
            // RetryInterceptor, a timer follows every failed attempt, the last one included.
            work.lastError = c.error;
            const timerId = this.nextId++;
            const fireAt = new Date(tsMs + this.retryDelay(work, tsMs));
            this.append(historyEvent("TimerCreated", timerId, ts, { fireAt }));
            toStart.push(() => this.startTimer(timerId, fireAt, tsMs, work));
          }
          break;
        }
        case "timer": {
          this.timers.delete(c.id);
          this.append(historyEvent("TimerFired", -1, ts, { timerId: c.id, fireAt: c.fireAt }));
          const work = c.retryOf;
          if (work && isAllocating(c)) {
            work.attempt++;
            work.currentId = this.nextId++;
            this.append(this.scheduledEvent(work, ts));
            toStart.push(() => this.startWork(work));
          }
          break;
        }
        case "event":
          this.append(historyEvent("EventRaised", -1, ts, { name: c.name, input: c.inputJson }));
          break;
      }
    }

    this.replays++;
    const payload = orchestrationTriggerPayload({ instanceId: this.instanceId, history: this.history, input: this.input, parentInstanceId: this.parentInstanceId, isReplaying: !first });
    const result = await this.host.replay(this.name, payload);
    if (this.stopped) return; // terminated or replaced while replaying
    this.status.lastUpdatedTime = new Date();
    if (!result.ok) {
      this.status.customStatus = result.customStatus;
      this.finish("Failed", result.message);
      return;
    }
    const { state } = result;
    this.status.customStatus = roundTrip(state.customStatus);

    const actions = flattenActions(state.actions);

    const known = this.signatures.length;
    for (let i = 0; i < known; i++) {
      const action = actions[i];
      const expected = this.signatures[i];
      const got = action ? signatureOf(action) : undefined;
      if (got !== expected) {
        this.finish(
          "Failed",
          `Non-deterministic orchestration ${this.name} (${this.instanceId}): action #${i} was first scheduled as ${expected}` +
            ` but the replay produced ${got ?? "no action at that position"}`,
        );
        return;
      }
      const timerId = this.timerIdByPosition.get(i);
      if (timerId !== undefined && action?.isCanceled) {
        clearTimeout(this.timers.get(timerId));
        this.timers.delete(timerId);
      }
    }

    let continueAsNew: { input: unknown } | undefined;
    for (let i = known; i < actions.length; i++) {
      const action = actions[i]!;
      switch (action.actionType) {
        case ActionType.CallActivity:
        case ActionType.CallActivityWithRetry:
        case ActionType.CallSubOrchestrator:
        case ActionType.CallSubOrchestratorWithRetry: {
          const isActivity = action.actionType === ActionType.CallActivity || action.actionType === ActionType.CallActivityWithRetry;
          const work: Work = {
            kind: isActivity ? "activity" : "subOrchestration",
            name: action.functionName ?? "",
            input: isActivity ? decodeProcessedInput(action.input) : roundTrip(action.input),
            childInstanceId: action.instanceId || undefined,
            retry: action.retryOptions,
            attempt: 1,
            currentId: this.nextId++,
            firstAttemptAt: tsMs,
            lastError: undefined,
            exhausted: false,
          };
          this.append(this.scheduledEvent(work, ts));
          toStart.push(() => this.startWork(work));
          break;
        }
        case ActionType.CreateTimer: {
          const id = this.nextId++;
          const fireAt = new Date(String(action.fireAt));
          this.append(historyEvent("TimerCreated", id, ts, { fireAt }));
          this.timerIdByPosition.set(i, id);
          toStart.push(() => this.startTimer(id, fireAt, tsMs, undefined));
          break;
        }
        case ActionType.WaitForExternalEvent:
          break; // no id: the engine matches EventRaised by name
        case ActionType.ContinueAsNew:
          continueAsNew = { input: decodeProcessedInput(action.input) };
          continue; // not recorded: it ends this execution
        default:
          this.finish("Failed", `${actionTypeName(action.actionType)} is not supported by the local runtime (orchestration ${this.name})`);
          return;
      }
      this.signatures.push(signatureOf(action));
    }

    if (state.isDone) {
      if (continueAsNew) {
        this.restart(continueAsNew.input);
        return;
      }
      this.finish("Completed", roundTrip(state.output));
      return;
    }
    this.append(historyEvent("OrchestratorCompleted", -1, ts));
    for (const start of toStart) start();
  }

  private restart(input: unknown): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.timerIdByPosition.clear();
    this.queue.length = 0; // as the real host without preserveUnprocessedEvents
    this.generation++;
    this.history = [];
    this.signatures = [];
    this.nextId = 0;
    this.input = input;
    this.status.input = input;
    this.needsStart = true;
    this.host.log("info", `orchestration ${this.name} (${this.instanceId}) continued as new`);
    // pump's loop picks up needsStart
  }

  private scheduledEvent(work: Work, ts: Date): HistoryEvent {
    const input = JSON.stringify(work.input);
    return work.kind === "activity"
      ? historyEvent("TaskScheduled", work.currentId, ts, { name: work.name, input })
      : historyEvent("SubOrchestrationInstanceCreated", work.currentId, ts, { name: work.name, input, instanceId: this.childId(work) });
  }

  private childId(work: Work): string {
    return work.childInstanceId ?? `${this.instanceId}:${work.currentId}`;
  }

  /** DTFx RetryInterceptor: first * backoff^(attempt-1), capped; 0 once retryTimeout has passed. */
  private retryDelay(work: Work, nowMs: number): number {
    const r = work.retry;
    if (!r) return 0;
    const timeout = r.retryTimeoutInMilliseconds;
    if (work.exhausted || (typeof timeout === "number" && timeout > 0 && nowMs >= work.firstAttemptAt + timeout)) {
      work.exhausted = true;
      return 0;
    }
    const backoff = typeof r.backoffCoefficient === "number" && r.backoffCoefficient > 0 ? r.backoffCoefficient : 1;
    const max = typeof r.maxRetryIntervalInMilliseconds === "number" && r.maxRetryIntervalInMilliseconds > 0 ? r.maxRetryIntervalInMilliseconds : Infinity;
    return Math.min(r.firstRetryIntervalInMilliseconds * backoff ** (work.attempt - 1), max);
  }

  private startWork(work: Work): void {
    if (this.stopped) return;
    const id = work.currentId;
    const gen = this.generation;
    if (work.exhausted && work.lastError) {
      // Retry timeout passed: the engine still counts down its attempts, so fail them without running.
      this.enqueue({ type: "failed", work, id, error: work.lastError });
      return;
    }
    const run =
      work.kind === "activity"
        ? this.host.runActivity(work.name, work.input)
        : this.host.runSubOrchestration(work.name, this.childId(work), work.input, this.instanceId);
    const p = run.then(
      (resultJson) => this.enqueue({ type: "completed", work, id, resultJson }, gen),
      (err: unknown) => this.enqueue({ type: "failed", work, id, error: err instanceof Error ? err : new Error(String(err)) }, gen),
    );
    this.host.track(p);
  }

  private startTimer(id: number, fireAt: Date, nowMs: number, retryOf: Work | undefined): void {
    if (this.stopped) return;
    const gen = this.generation;
    const due = Date.now() + Math.max(0, fireAt.getTime() - nowMs) * this.host.timerScale;
    const arm = (): void => {
      const left = due - Date.now();
      if (left > 0) {
        this.timers.set(id, setTimeout(arm, Math.min(left, MAX_TIMEOUT_MS)));
        return;
      }
      this.timers.delete(id);
      this.enqueue({ type: "timer", id, fireAt, retryOf }, gen);
    };
    arm();
  }
}

/**
 * The backend's API, shared by the local host, the tests and the bench:
 * `new DurableBackend({ orchestrations, activities })` (or `{ functions }`),
 * `start(name, { instanceId, input })`, `getStatus`, `waitFor(id, ms)`,
 * `history(id)` (the events as the orchestrator saw them), `terminate`,
 * `purge`, `stop`.
 */
export class DurableBackend {
  readonly functions: FunctionRegistry;
  private readonly semaphore: Semaphore;
  private readonly timerScale: number;
  private readonly logFn: (level: LogLevel, msg: string) => void;
  private readonly instances = new Map<string, Instance>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;
  private readonly host: Host;

  constructor(opts: DurableBackendOptions) {
    this.functions = opts.functions ?? registerHandlers({ ...opts.orchestrators, ...opts.orchestrations }, opts.activities ?? {});
    const max = opts.maxConcurrentActivities ?? 10;
    if (!Number.isInteger(max) || max < 1) throw new RangeError("maxConcurrentActivities must be a positive integer");
    this.semaphore = new Semaphore(max);
    const scale = opts.timerScale ?? 1;
    if (!(scale >= 0) || !Number.isFinite(scale)) throw new RangeError("timerScale must be a finite number >= 0");
    this.timerScale = scale;
    this.logFn = opts.log ?? (() => {});
    this.host = {
      timerScale: this.timerScale,
      log: (level, msg) => this.logFn(level, msg),
      finished: (status, parent) => {
        if (!parent) opts.onFinished?.(status);
      },
      runActivity: (name, input) => this.runActivity(name, input),
      replay: (name, payload) => this.replay(name, payload),
      runSubOrchestration: (name, instanceId, input, parent) => this.runSubOrchestration(name, instanceId, input, parent),
      track: (p) => {
        this.inFlight.add(p);
        void p.finally(() => this.inFlight.delete(p));
      },
    };
  }

  /** As the extension: refused (InstanceExistsError) while an instance of that ID runs; a finished one is replaced. */
  async startNew(name: string, options: { instanceId: string; input?: unknown }): Promise<string> {
    this.create(name, options.instanceId, roundTrip(options.input), "", true);
    return options.instanceId;
  }

  start(name: string, options: { instanceId: string; input?: unknown }): Promise<string> {
    return this.startNew(name, options);
  }

  async getStatus(instanceId: string): Promise<InstanceStatus | undefined> {
    return this.instances.get(instanceId)?.snapshot();
  }

  /** Delivers an external event (context.df.waitForExternalEvent). Events raised before the wait are buffered. */
  async raiseEvent(instanceId: string, eventName: string, eventData?: unknown): Promise<void> {
    const inst = this.require(instanceId);
    if (inst.isTerminal) throw new Error(`Instance '${instanceId}' is ${inst.status.runtimeStatus}; cannot raise '${eventName}'`);
    inst.raise(eventName, eventData);
  }

  /** Marks the instance Terminated with the reason as output; a finished instance is left as it is. */
  async terminate(instanceId: string, reason: string): Promise<void> {
    const inst = this.require(instanceId);
    inst.finish("Terminated", reason);
  }

  /** Forgets a finished instance; returns how many were deleted (0 when none or still running). */
  async purge(instanceId: string): Promise<number> {
    const inst = this.instances.get(instanceId);
    if (!inst || !TERMINAL.has(inst.snapshot().runtimeStatus)) return 0;
    this.instances.delete(instanceId);
    return 1;
  }

  /** Resolves with the status once the instance is finished, or with its current status when timeoutMs passes. */
  async waitForCompletion(instanceId: string, timeoutMs: number): Promise<InstanceStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const inst = this.require(instanceId);
      const left = deadline - Date.now();
      // A stopped, non-terminal instance (backend stopped) will not progress any more.
      if (inst.isTerminal || inst.stopped || left <= 0) return inst.snapshot();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([inst.settled.promise, new Promise<void>((r) => (timer = setTimeout(r, Math.min(left, MAX_TIMEOUT_MS))))]);
      clearTimeout(timer);
    }
  }

  waitFor(instanceId: string, timeoutMs: number): Promise<InstanceStatus> {
    return this.waitForCompletion(instanceId, timeoutMs);
  }

  /** The instance's current execution: its history events as last fed to the orchestrator. */
  history(instanceId: string): readonly HistoryEvent[] {
    return [...this.require(instanceId).history];
  }

  stats(instanceId: string): InstanceStats {
    const inst = this.require(instanceId);
    return { replays: inst.replays, history: [...inst.history], signatures: [...inst.signatures] };
  }

  /** Stops timers and waits for in-flight activities; later startNew calls are refused. Instances keep their last status. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const inst of this.instances.values()) inst.halt();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private require(instanceId: string): Instance {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`No orchestration instance with ID '${instanceId}'`);
    return inst;
  }

  private triggerName(name: string, type: string): string {
    const reg = this.functions.get(name);
    const trigger = reg ? triggerOf(reg) : undefined;
    if (!trigger || trigger.type !== type) throw new Error(`The function '${name}' is not registered as an ${type}`);
    return trigger.name;
  }

  private create(name: string, instanceId: string, input: unknown, parentInstanceId: string, refuseRunning: boolean): Instance {
    if (this.stopped) throw new Error("The local durable backend is stopped");
    this.triggerName(name, "orchestrationTrigger");
    if (!instanceId) throw new Error("instanceId is required");
    const previous = this.instances.get(instanceId);
    if (previous && RUNNING_STATES.has(previous.status.runtimeStatus)) {
      if (refuseRunning) throw new InstanceExistsError(`An Orchestration instance with the status ${previous.status.runtimeStatus} already exists.`);
      previous.halt();
    }
    const inst = new Instance(this.host, name, instanceId, input, parentInstanceId);
    this.instances.set(instanceId, inst);
    inst.start();
    return inst;
  }

  private async replay(name: string, payload: string): Promise<{ ok: true; state: EngineState } | { ok: false; message: string; customStatus: unknown }> {
    const binding = this.triggerName(name, "orchestrationTrigger");
    try {
      const res = await invokeFunction(this.functions, name, [{ name: binding, data: { string: payload } }]);
      return { ok: true, state: JSON.parse(typedDataToJson(res.returnValue)) as EngineState };
    } catch (err) {
      return { ok: false, ...orchestratorFailure(errorMessage(err)) };
    }
  }

  private async runActivity(name: string, input: unknown): Promise<string> {
    const binding = this.triggerName(name, "activityTrigger");
    const release = await this.semaphore.acquire();
    try {
      const res = await invokeFunction(this.functions, name, [{ name: binding, data: { json: JSON.stringify(input) ?? "null" } }]);
      return typedDataToJson(res.returnValue);
    } finally {
      release();
    }
  }

  private async runSubOrchestration(name: string, instanceId: string, input: unknown, parentInstanceId: string): Promise<string> {
    const child = this.create(name, instanceId, input, parentInstanceId, true);
    await child.settled.promise;
    const s = child.status;
    if (s.runtimeStatus === "Completed") return JSON.stringify(s.output) ?? "null";
    if (s.runtimeStatus === "Failed" || s.runtimeStatus === "Terminated") throw new Error(`${name} (${instanceId}) ${s.runtimeStatus.toLowerCase()}: ${String(s.output)}`);
    throw new Error(`${name} (${instanceId}) did not finish: the backend stopped`);
  }
}

/** Registers handlers through the real df.app calls, into a registry of their own. */
function registerHandlers(orchestrations: Record<string, OrchestratorFn>, activities: Record<string, ActivityFn>): FunctionRegistry {
  return captureRegistrations(() => {
    for (const [name, handler] of Object.entries(orchestrations)) df.app.orchestration(name, handler);
    for (const [name, handler] of Object.entries(activities)) df.app.activity(name, { handler });
  });
}

/** @deprecated the former name of DurableBackend. */
export const LocalDurableRuntime = DurableBackend;
export type LocalDurableRuntime = DurableBackend;
export type LocalDurableRuntimeOptions = DurableBackendOptions;
