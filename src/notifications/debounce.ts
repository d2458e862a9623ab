import type { OrchestrationContext, Task } from "durable-functions";
import type { SyncedType } from "../domain/synced.js";
import { startRun } from "../orchestration/start-run.js";
import type { Services } from "../services.js";
import type { OrchestrationClient } from "../orchestration/start-run.js";
import { wantsSubscriptions } from "./manager.js";

export const DEBOUNCE_ORCHESTRATOR = "notifyDebounceOrchestrator";
export const ACTIVITY_NOTIFY_START = "notifyStartRun";
export const NOTIFIED_EVENT = "notified";
/** One debouncer per tenant; it sits beside the run's own `sync-<tenantId>`. */
export const debounceInstanceOf = (tenantId: string): string => `notify-${tenantId}`;

export interface DebounceInput {
  readonly tenantId: string;
  readonly types: readonly SyncedType[];
  readonly quietMs: number;
  readonly maxDelayMs: number;
}

export interface NotifiedEvent {
  readonly types: readonly SyncedType[];
}

/** The debouncer's custom status (GET /tenants/{id}/sync shows it). */
export interface DebounceStatus {
  readonly phase: "quiet" | "waitingForRun" | "started";
  readonly types: readonly SyncedType[];
  readonly firstAt: string;
  readonly dueAt: string | null;
  readonly runId: string | null;
}

export type NotifyStartResult = { readonly outcome: "started"; readonly runId: string } | { readonly outcome: "running" } | { readonly outcome: "gone" };

/** While a run goes on, the debouncer asks again this often. */
const RUN_POLL_MS = 2_000;

/**
 * One tenant's burst of notifications becomes one run: it waits until no
 * event came for `quietMs` (or `maxDelayMs` after the first), then starts a
 * delta run of the notified types. A run already going answers "running":
 * the types wait and are run right after it. Events raised meanwhile add
 * their types. Deterministic: the clock is the orchestration's.
 */
export function* notifyDebounceOrchestrator(context: OrchestrationContext): Generator<Task, NotifyStartResult, unknown> {
  const input = context.df.getInput<DebounceInput>();
  const types = new Set<SyncedType>(input.types);
  const firstAt = context.df.currentUtcDateTime.getTime();
  const deadline = firstAt + input.maxDelayMs;
  let dueAt = Math.min(firstAt + input.quietMs, deadline);
  const status = (phase: DebounceStatus["phase"], due: number | null, runId: string | null = null): void =>
    context.df.setCustomStatus({ phase, types: [...types], firstAt: new Date(firstAt).toISOString(), dueAt: due === null ? null : new Date(due).toISOString(), runId } satisfies DebounceStatus);

  // One wait at a time, kept across turns until an event completes it: durable-js hands an event
  // to the newest open wait of its name, or to a stale one a timer beat (lib/src/orchestrations/
  // TaskOrchestrationExecutor.js, openEvents), so a new wait per turn could lose events to old ones.
  let pending: Task | undefined;
  /** Waits for an event or `until`; true when an event came (its types are added). */
  function* waitUntil(until: number): Generator<Task, boolean, unknown> {
    const event = (pending ??= context.df.waitForExternalEvent(NOTIFIED_EVENT));
    const timer = context.df.createTimer(new Date(until));
    const winner = (yield context.df.Task.any([event, timer])) as Task;
    if (winner !== event) return false;
    pending = undefined;
    timer.cancel();
    for (const t of (event.result as NotifiedEvent | undefined)?.types ?? []) types.add(t);
    return true;
  }

  status("quiet", dueAt);
  while (context.df.currentUtcDateTime.getTime() < dueAt) {
    if (!(yield* waitUntil(dueAt))) break;
    dueAt = Math.min(context.df.currentUtcDateTime.getTime() + input.quietMs, deadline);
    status("quiet", dueAt);
  }
  for (;;) {
    const r = (yield context.df.callActivity(ACTIVITY_NOTIFY_START, { tenantId: input.tenantId, types: [...types] })) as NotifyStartResult;
    if (r.outcome !== "running") {
      status("started", null, r.outcome === "started" ? r.runId : null);
      return r;
    }
    const next = context.df.currentUtcDateTime.getTime() + RUN_POLL_MS;
    status("waitingForRun", next);
    yield* waitUntil(next);
  }
}

/** The activity: a delta run of `types` through the one start path, trigger `notification`; no Sync Now quota is taken. */
export async function notifyStartRun(services: Services, client: OrchestrationClient, input: { tenantId: string; types: readonly SyncedType[] }): Promise<NotifyStartResult> {
  await services.ready();
  const t = (await services.tenants.get(input.tenantId))?.value;
  if (!t || !wantsSubscriptions(t) || t.deletionsPending) return { outcome: "gone" };
  const types = input.types.filter((x) => t.objectTypes.includes(x));
  if (types.length === 0) return { outcome: "gone" };
  const r = await startRun(client, services.tenants, t.id, "notification", "live", Date.now, undefined, types);
  if (r.started) return { outcome: "started", runId: r.runId };
  return r.reason === "notFound" ? { outcome: "gone" } : { outcome: "running" };
}
