import { describe, expect, it } from "vitest";
import { DurableBackend, type ActivityFn, type OrchestratorFn } from "../../src/durable/index.js";
import { ACTIVITY_FINISH, ACTIVITY_PLAN, ACTIVITY_STREAM, ORCHESTRATOR, type RunInput, type StreamTaskInput } from "../../../../src/orchestration/contract.js";
import { ORCHESTRATORS } from "../../../../src/orchestration/registry.js";
import { taskAnyOrchestrator } from "./fixtures/task-any-orchestrator.js";

/** Calls each type's stream needs before it says done; they finish in a different order than they start. */
const NEEDED: Record<string, number> = { users: 3, groups: 1, devices: 2, applications: 4 };
const DELAY_MS: Record<string, number> = { users: 5, groups: 25, devices: 1, applications: 12 };
const SUMMARY = { runId: "run-1", status: "succeeded", types: {} };

/** Fake activities that record every call, so a run can be checked against what a correct run does. */
function recordingActivities() {
  const calls = new Map<string, number>();
  const events: string[] = [];
  const activities: Record<string, ActivityFn> = {
    [ACTIVITY_PLAN]: () => ({ types: Object.keys(NEEDED), fullScan: false, startedAt: "2026-01-01T00:00:00.000Z" }),
    [ACTIVITY_STREAM]: async (input) => {
      const { type } = input as StreamTaskInput;
      const n = (calls.get(type) ?? 0) + 1;
      calls.set(type, n);
      await new Promise((r) => setTimeout(r, DELAY_MS[type] ?? 1));
      const done = n >= (NEEDED[type] ?? 1);
      events.push(`${type}#${n}${done ? " done" : ""}`);
      return { type, done, status: done ? "succeeded" : "running", mode: "delta", counters: { pages: n, objects: n * 10 }, missingPermission: null, error: null, writes: { transactions: 0, entities: 0 } };
    },
    [ACTIVITY_FINISH]: () => {
      events.push("finish");
      return SUMMARY;
    },
  };
  return { activities, calls, events };
}

/** What is wrong with a run, compared with a correct one: every stream call exactly once, one fan-in after all streams, the summary returned. */
async function problemsOf(orchestrations: Record<string, OrchestratorFn>): Promise<string[]> {
  const { activities, calls, events } = recordingActivities();
  const backend = new DurableBackend({ orchestrations, activities, timerScale: 0.0001 });
  try {
    const input: RunInput = { tenantId: "t-574", runId: "run-1", trigger: "manual", mode: "live" };
    await backend.start(ORCHESTRATOR, { instanceId: "sync-t-574", input });
    const s = await backend.waitFor("sync-t-574", 10_000);
    // Let stray, re-scheduled stream calls land before counting.
    await new Promise((r) => setTimeout(r, 100));
    const problems: string[] = [];
    if (s.runtimeStatus !== "Completed") problems.push(`ended ${s.runtimeStatus}`);
    else if (JSON.stringify(s.output) !== JSON.stringify(SUMMARY)) problems.push(`returned ${JSON.stringify(s.output)} instead of the run summary`);
    for (const [type, needed] of Object.entries(NEEDED)) if (calls.get(type) !== needed) problems.push(`${type} stream called ${calls.get(type) ?? 0} times, not ${needed}`);
    const finishes = events.filter((e) => e === "finish").length;
    if (finishes !== 1) problems.push(`fan-in called ${finishes} times`);
    const lastDone = Math.max(...Object.keys(NEEDED).map((t) => events.indexOf(`${t}#${NEEDED[t]} done`)));
    if (events.indexOf("finish") < lastDone) problems.push("fan-in called before every stream finished");
    return problems;
  } finally {
    await backend.stop();
  }
}

describe("Task.any over re-yielded tasks, processed the extension's way", () => {
  it("the check passes for the orchestration the app registers", async () => {
    expect(await problemsOf({ ...ORCHESTRATORS })).toEqual([]);
  });

  // Regression, durable-js issue #574: the old orchestrator re-yielded running stream tasks in a new
  // Task.any on every turn; the extension schedules each re-yielded task again, so streams ran twice
  // and the run finished early. The old local runtime deduplicated the actions and hid it.
  it("detects the old Task.any orchestrator running streams again and finishing early (durable-js #574)", async () => {
    const problems = await problemsOf({ [ORCHESTRATOR]: taskAnyOrchestrator });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => /stream called/.test(p))).toBe(true);
  });
});
