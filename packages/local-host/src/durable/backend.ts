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
import df from "durable-functions";
import { captureRegistrations, triggerOf, type FunctionRegistry } from "../worker/core.js";
import { invokeFunction, typedDataToJson } from "../worker/invoke.js";
import type { RpcParameterBinding } from "../worker/types.js";
import { orchestratorFailure, type EngineState, type HistoryEvent } from "./engine.js";
import { Instance, type Host } from "./instance.js";
import {
  errorMessage,
  InstanceExistsError,
  MAX_TIMEOUT_MS,
  roundTrip,
  RUNNING_STATES,
  Semaphore,
  TERMINAL,
  type ActivityFn,
  type InstanceStats,
  type InstanceStatus,
  type LogLevel,
  type OrchestratorFn,
} from "./status.js";

export * from "./status.js";


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
  /**
   * Inputs the host adds to an activity's invocation besides its trigger: a
   * durableClient binding on an activity (durable-functions-bindings.md: the
   * client binding may be used by any function).
   */
  extraInputs?: (name: string) => RpcParameterBinding[];
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
  private readonly extraInputs: (name: string) => RpcParameterBinding[];

  constructor(opts: DurableBackendOptions) {
    this.functions = opts.functions ?? registerHandlers({ ...opts.orchestrators, ...opts.orchestrations }, opts.activities ?? {});
    this.extraInputs = opts.extraInputs ?? (() => []);
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
  startNew(name: string, options: { instanceId: string; input?: unknown }): Promise<string> {
    return settle(() => {
      this.create(name, options.instanceId, roundTrip(options.input), "", true);
      return options.instanceId;
    });
  }

  start(name: string, options: { instanceId: string; input?: unknown }): Promise<string> {
    return this.startNew(name, options);
  }

  getStatus(instanceId: string): Promise<InstanceStatus | undefined> {
    return settle(() => this.instances.get(instanceId)?.snapshot());
  }

  /** Delivers an external event (context.df.waitForExternalEvent). Events raised before the wait are buffered. */
  raiseEvent(instanceId: string, eventName: string, eventData?: unknown): Promise<void> {
    return settle(() => {
      const inst = this.require(instanceId);
      if (inst.isTerminal) throw new Error(`Instance '${instanceId}' is ${inst.status.runtimeStatus}; cannot raise '${eventName}'`);
      inst.raise(eventName, eventData);
    });
  }

  /** Marks the instance Terminated with the reason as output; a finished instance is left as it is. */
  terminate(instanceId: string, reason: string): Promise<void> {
    return settle(() => this.require(instanceId).finish("Terminated", reason));
  }

  /** Forgets a finished instance; returns how many were deleted (0 when none or still running). */
  purge(instanceId: string): Promise<number> {
    return settle(() => {
      const inst = this.instances.get(instanceId);
      if (!inst || !TERMINAL.has(inst.snapshot().runtimeStatus)) return 0;
      this.instances.delete(instanceId);
      return 1;
    });
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
      const res = await invokeFunction(this.functions, name, [{ name: binding, data: { json: JSON.stringify(input) ?? "null" } }, ...this.extraInputs(name)]);
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

/** The client API is asynchronous, as the extension's HTTP API is: a throw becomes a rejection, never a synchronous throw. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}
