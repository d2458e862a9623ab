import type { OrchestrationContext, Task } from "durable-functions";
import type { SyncedType } from "../domain/synced.js";
import {
  ACTIVITY_FINISH,
  ACTIVITY_PLAN,
  ORCHESTRATOR_TYPE,
  typeInstanceIdOf,
  type RunInput,
  type RunPlan,
  type RunProgress,
  type RunSummary,
  type StreamTaskInput,
  type TypeProgress,
  type TypeResult,
} from "./contract.js";
import { STEP_RETRY, TYPE_RETRY, failureMessage } from "./retry.js";

const progressOf = (r: TypeResult): TypeProgress => ({ pages: r.pages, objects: r.objects, done: r.done, status: r.status });

/**
 * One tenant's run: plan, then one sub-orchestration per type (each loops its
 * stream until done), awaited together with a single Task.all, then the
 * fan-in once. Deterministic: no clock, random or I/O here.
 *
 * Why not Task.any over the running streams, re-yielded each turn: durable-js
 * sends a compound action with all its children, old ones included
 * (lib/src/actions/WhenAnyAction.js), and the extension schedules every leaf
 * of the list again (OutOfProcOrchestrationShim.cs, ProcessAsyncActionsV2),
 * so each turn would start the running streams once more
 * (Azure/azure-functions-durable-js#574). Here every task is yielded once.
 *
 * Custom status: the phase, and per type its progress. During "streams" the
 * parent cannot observe its children, so it lists the planned types as
 * running and each type's sub-orchestration carries its own live progress
 * (readRunProgress in progress.ts merges them); after Task.all it holds
 * every type's final figures.
 */
export function* syncOrchestrator(context: OrchestrationContext): Generator<Task, RunSummary, unknown> {
  const input = context.df.getInput<RunInput>();
  let types: Partial<Record<SyncedType, TypeProgress>> = {};
  const status = (phase: RunProgress["phase"]): void =>
    context.df.setCustomStatus({ phase, runId: input.runId, trigger: input.trigger, mode: input.mode, types } satisfies RunProgress);

  status("planning");
  const plan = (yield context.df.callActivityWithRetry(ACTIVITY_PLAN, STEP_RETRY, input)) as RunPlan;

  types = Object.fromEntries(plan.types.map((t) => [t, { pages: 0, objects: 0, done: false, status: "running" } satisfies TypeProgress]));
  status("streams");
  const children = plan.types.map((type) =>
    context.df.callSubOrchestratorWithRetry(
      ORCHESTRATOR_TYPE,
      TYPE_RETRY,
      { ...input, type, fullScan: plan.fullScan } satisfies StreamTaskInput,
      typeInstanceIdOf(input.tenantId, type),
    ),
  );
  if (children.length > 0) {
    try {
      yield context.df.Task.all(children);
    } catch {
      // A sub-orchestration failed beyond its retries; Task.all gave up at once.
      // Yielding the others again would schedule them again (#574), so the run
      // ends here and every type without a result counts as failed.
    }
  }

  const failures: Partial<Record<SyncedType, string>> = {};
  plan.types.forEach((type, i) => {
    const child = children[i];
    if (child?.isCompleted && !child.isFaulted) {
      const r = child.result as TypeResult;
      types[type] = progressOf(r);
      if (r.status === "failed") failures[type] = r.error ?? "the stream failed";
    } else {
      // done stays false: the next start terminates what may still run (children.ts).
      types[type] = { pages: 0, objects: 0, done: false, status: "failed" };
      failures[type] = child?.isFaulted ? failureMessage(child.result) : "the run ended before this type finished";
    }
  });

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
