// Over 300 lines: one instance's replay loop (episode) and the work, timers and retries it schedules share its history and generation; apart they would pass that state back and forth.
import {
  ActionType,
  actionTypeName,
  flattenActions,
  historyEvent,
  orchestrationTriggerPayload,
  type EngineState,
  type HistoryEvent,
} from "./engine.js";
import { decodeProcessedInput, deferred, errorMessage, roundTrip, TERMINAL, MAX_TIMEOUT_MS, type InstanceStatus, type LogLevel } from "./status.js";
import { isAllocating, signatureOf, type Completion, type Work } from "./work.js";

/** The runtime services an instance uses. */
export interface Host {
  readonly timerScale: number;
  log(level: LogLevel, msg: string): void;
  finished(status: InstanceStatus, parentInstanceId: string): void;
  runActivity(name: string, input: unknown): Promise<string>;
  replay(name: string, payload: string): Promise<{ ok: true; state: EngineState } | { ok: false; message: string; customStatus: unknown }>;
  runSubOrchestration(name: string, instanceId: string, input: unknown, parentInstanceId: string): Promise<string>;
  track(p: Promise<unknown>): void;
}

/** One execution of an instance (a new one for each startNew; ContinueAsNew restarts it in place). */
export class Instance {
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

