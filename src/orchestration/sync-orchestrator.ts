import df, { type OrchestrationContext, type Task } from "durable-functions";
import type { SyncedType } from "../graph/resource.js";
import type { StreamProgress } from "../sync/stream.js";
import { ACTIVITY_FINISH, ACTIVITY_PLAN, ACTIVITY_STREAM, type RunInput, type RunPlan, type RunProgress, type RunSummary, type StreamTaskInput } from "./contract.js";

/** A retried stream resumes at its last checkpoint, so retrying is always safe. */
export const STREAM_RETRY = new df.RetryOptions(5_000, 4);
STREAM_RETRY.backoffCoefficient = 2;
STREAM_RETRY.maxRetryIntervalInMilliseconds = 60_000;

export const STEP_RETRY = new df.RetryOptions(2_000, 3);

const failureOf = (t: Task): string => {
  const r = t.result;
  return r instanceof Error ? r.message : typeof r === "string" ? r : "the stream failed";
};

/**
 * One tenant's run: fan out a stream per type, call each again while it
 * returns a continuation, then fan in. Deterministic: no clock, random or
 * I/O here; everything of that kind happens in the activities.
 */
export function* syncOrchestrator(context: OrchestrationContext): Generator<Task, RunSummary, unknown> {
  const input = context.df.getInput<RunInput>();
  const progress: Record<string, RunProgress["types"][SyncedType]> = {};
  const status = (phase: RunProgress["phase"]): void =>
    context.df.setCustomStatus({ phase, runId: input.runId, trigger: input.trigger, mode: input.mode, types: progress } satisfies RunProgress);

  status("planning");
  const plan = (yield context.df.callActivityWithRetry(ACTIVITY_PLAN, STEP_RETRY, input)) as RunPlan;

  const failures: Partial<Record<SyncedType, string>> = {};
  const call = (type: SyncedType): Task =>
    context.df.callActivityWithRetry(ACTIVITY_STREAM, STREAM_RETRY, { ...input, type, fullScan: plan.fullScan } satisfies StreamTaskInput);
  const running = new Map<Task, SyncedType>(plan.types.map((t) => [call(t), t]));
  status("streams");
  while (running.size > 0) {
    const winner = (yield context.df.Task.any([...running.keys()])) as Task;
    const type = running.get(winner);
    running.delete(winner);
    if (!type) continue;
    if (winner.isFaulted) {
      failures[type] = failureOf(winner);
      progress[type] = { pages: progress[type]?.pages ?? 0, objects: progress[type]?.objects ?? 0, done: true, status: "failed" };
    } else {
      const p = winner.result as StreamProgress;
      progress[type] = { pages: p.counters.pages, objects: p.counters.objects, done: p.done, status: p.status };
      if (!p.done) running.set(call(type), type);
    }
    status("streams");
  }

  status("finishing");
  const summary = (yield context.df.callActivityWithRetry(ACTIVITY_FINISH, STEP_RETRY, {
    ...input,
    startedAt: plan.startedAt,
    types: plan.types,
    failures,
  })) as RunSummary;
  status("done");
  return summary;
}
