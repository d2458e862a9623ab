import type { OrchestrationContext, Task } from "durable-functions";
import type { StreamProgress } from "../sync/stream.js";
import { ACTIVITY_STREAM, type StreamTaskInput, type TypeResult } from "./contract.js";
import { STREAM_RETRY, failureMessage } from "./retry.js";

/**
 * One type's stream in one run: calls the stream activity again while it
 * returns a continuation, one call at a time, so every action this
 * orchestrator yields is a single new task (see sync-orchestrator.ts for why).
 * A retried call resumes at the stream's last checkpoint.
 *
 * A stream that still fails after its retries ends this sub-orchestration
 * normally with status "failed": the parent's Task.all fails fast on the
 * first faulted child (durable-functions lib/src/task/WhenAllTask.js), and
 * the other types must still run to their end before the fan-in.
 *
 * Its custom status is its progress after each call; the status route reads
 * it while the run is in its "streams" phase (progress.ts).
 */
export function* syncTypeOrchestrator(context: OrchestrationContext): Generator<Task, TypeResult, unknown> {
  const input = context.df.getInput<StreamTaskInput>();
  let progress: TypeResult = { runId: input.runId, type: input.type, pages: 0, objects: 0, done: false, status: "running", calls: 0, error: null };
  context.df.setCustomStatus(progress);
  for (;;) {
    let p: StreamProgress;
    try {
      p = (yield context.df.callActivityWithRetry(ACTIVITY_STREAM, STREAM_RETRY, input)) as StreamProgress;
    } catch (err) {
      progress = { ...progress, done: true, status: "failed", calls: progress.calls + 1, error: failureMessage(err) };
      context.df.setCustomStatus(progress);
      return progress;
    }
    // A stream may end failed by itself (a Graph refusal that no retry mends): its error goes with it.
    progress = { ...progress, pages: p.counters.pages, objects: p.counters.objects, done: p.done, status: p.status, calls: progress.calls + 1, error: p.error };
    context.df.setCustomStatus(progress);
    if (p.done) return progress;
  }
}
