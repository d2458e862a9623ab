import type { FunctionResult, InvocationContext } from "@azure/functions";
import type { OrchestrationHandler } from "durable-functions";

/** What `df.app.orchestration` takes as its handler. */
export type OrchestratorFn = OrchestrationHandler;
/** What `df.app.activity` takes: like any Functions handler, it may return a value or a promise. */
export type ActivityFn = (input: unknown, ctx: InvocationContext) => FunctionResult;
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

export const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(["Completed", "Failed", "Terminated"]);
export const MAX_TIMEOUT_MS = 2_147_483_647;

export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** JSON round trip, as the host serializes every payload. `undefined` stays `undefined`. */
export function roundTrip(value: unknown): unknown {
  const json = JSON.stringify(value);
  return json === undefined ? undefined : (JSON.parse(json) as unknown);
}

/** Activity and ContinueAsNew inputs: the SDK pre-serializes string inputs (Utils.processInput). */
export function decodeProcessedInput(input: unknown): unknown {
  return typeof input === "string" ? (JSON.parse(input) as unknown) : roundTrip(input);
}

export class Semaphore {
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

