import type { OrchestrationContext, Task } from "durable-functions";
import { describe, expect, it } from "vitest";
import type { SyncedType } from "../../src/domain/synced.js";
import {
  ACTIVITY_FINISH,
  ACTIVITY_PLAN,
  ACTIVITY_STREAM,
  ORCHESTRATOR_TYPE,
  instanceIdOf,
  typeInstanceIdOf,
  type FinishTaskInput,
  type RunInput,
  type RunPlan,
  type RunProgress,
  type RunSummary,
  type StreamTaskInput,
  type TypeResult,
} from "../../src/orchestration/contract.js";
import { syncOrchestrator } from "../../src/orchestration/sync-orchestrator.js";
import { syncTypeOrchestrator } from "../../src/orchestration/type-orchestrator.js";
import { zeroCounters } from "../../src/store/sync-state.js";
import type { StreamProgress } from "../../src/sync/stream.js";
import { ReplayDriver, type Scheduled } from "./replay-driver.js";

const TENANT = "00000000-0000-4000-8000-0000000000aa";
const RUN: RunInput = { tenantId: TENANT, runId: "run-1", trigger: "manual", mode: "live" };
const PLAN: RunPlan = { types: ["users", "groups", "devices"], fullScan: false, startedAt: "2026-11-21T12:00:00.000Z" };

const progress = (type: string, pages: number, done: boolean): StreamProgress => ({
  type,
  done,
  status: done ? "done" : "running",
  mode: "delta",
  counters: { ...zeroCounters(), pages, objects: pages * 200 },
  missingPermission: null,
  error: null,
  writes: { transactions: 0, entities: 0 },
});

const only = (d: ReplayDriver): Scheduled => {
  expect(d.open).toHaveLength(1);
  return d.open[0]!;
};

describe("a type's sub-orchestration, replayed the extension's way", () => {
  const input: StreamTaskInput = { ...RUN, type: "users", fullScan: false };

  it("calls the stream once per continuation, one new task per turn, and returns its progress", async () => {
    const d = new ReplayDriver(syncTypeOrchestrator, typeInstanceIdOf(TENANT, "users"), input);
    await d.start();
    for (let page = 1; page <= 4; page++) {
      const s = only(d);
      expect(s).toMatchObject({ kind: "activity", name: ACTIVITY_STREAM, input });
      expect(d.customStatus).toMatchObject({ runId: RUN.runId, type: "users", pages: page - 1, calls: page - 1, done: false });
      await d.complete(s, progress("users", page, page === 4));
    }
    expect(d.done).toBe(true);
    expect(d.log.filter((l) => l.name === ACTIVITY_STREAM)).toHaveLength(4);
    expect(d.idMismatches).toBe(0);
    expect(d.output).toEqual({ runId: RUN.runId, type: "users", pages: 4, objects: 800, done: true, status: "done", calls: 4, error: null } satisfies TypeResult);
  });

  it("retries a failed call at the same input, and reports a stream that keeps failing as a failed result, without the stack", async () => {
    const d = new ReplayDriver(syncTypeOrchestrator, typeInstanceIdOf(TENANT, "users"), input);
    await d.start();
    await d.complete(only(d), progress("users", 1, false));
    for (let attempt = 1; attempt <= 4; attempt++) await d.fail(only(d), `Activity function 'syncStream' failed: injected failure ${attempt}`);
    expect(d.done).toBe(true);
    expect(d.failure).toBeUndefined();
    const out = d.output as TypeResult;
    expect(out).toMatchObject({ status: "failed", done: true, pages: 1, calls: 2 });
    expect(out.error).toContain("injected failure 4");
    expect(out.error).not.toMatch(/\n|\bat somewhere\b/);
    // 1 call + 4 attempts of the second, every one at the same input: retries resume at the checkpoint.
    expect(d.log.map((l) => l.input)).toEqual(Array(5).fill(input));
    expect(d.idMismatches).toBe(0);
  });
});

type Order = readonly SyncedType[];
const ORDERS: Order[] = [
  ["users", "groups", "devices"],
  ["devices", "users", "groups"],
  ["groups", "devices", "users"],
];

const childResult = (type: SyncedType, pages: number, failed = false): TypeResult => ({
  runId: RUN.runId,
  type,
  pages,
  objects: pages * 200,
  done: true,
  status: failed ? "failed" : "done",
  calls: pages,
  error: failed ? "Forbidden: no permission" : null,
});

async function planned(): Promise<ReplayDriver> {
  const d = new ReplayDriver(syncOrchestrator, instanceIdOf(TENANT), RUN);
  await d.start();
  expect((d.customStatus as RunProgress).phase).toBe("planning");
  const plan = only(d);
  expect(plan).toMatchObject({ kind: "activity", name: ACTIVITY_PLAN, input: RUN });
  await d.complete(plan, PLAN);
  return d;
}

describe("the run orchestration, replayed the extension's way", () => {
  it.each(ORDERS)("starts one sub-orchestration per type once, fans in once after all (finish order %s, %s, %s)", async (...order) => {
    const d = await planned();
    const children = d.open;
    expect(children.map((c) => [c.kind, c.name, c.instanceId, c.input])).toEqual(
      PLAN.types.map((type) => ["subOrchestration", ORCHESTRATOR_TYPE, typeInstanceIdOf(TENANT, type), { ...RUN, type, fullScan: false }]),
    );
    expect(d.customStatus).toMatchObject({ phase: "streams", types: { users: { done: false, status: "running" } } });
    const byType = new Map(children.map((c) => [(c.input as StreamTaskInput).type, c]));
    for (const [i, type] of order.entries()) {
      await d.complete(byType.get(type)!, childResult(type, i + 2, type === "devices"));
      const last = i === order.length - 1;
      // Nothing is scheduled again while children finish; the fan-in only after the last.
      expect(d.log.map((l) => l.name)).toEqual([ACTIVITY_PLAN, ...PLAN.types.map(() => ORCHESTRATOR_TYPE), ...(last ? [ACTIVITY_FINISH] : [])]);
    }
    const finish = only(d);
    const finishInput = finish.input as FinishTaskInput;
    expect(finishInput).toMatchObject({ ...RUN, startedAt: PLAN.startedAt, types: PLAN.types, failures: { devices: "Forbidden: no permission" } });
    expect(Object.keys(finishInput.failures)).toEqual(["devices"]);
    expect(d.customStatus).toMatchObject({ phase: "finishing", types: { users: { done: true, status: "done" }, devices: { status: "failed" } } });
    const summary: RunSummary = { runId: RUN.runId, status: "partial", types: { users: { total: 1, changed: 1, deleted: 0, filtered: 0, status: "succeeded" } } };
    await d.complete(finish, summary);
    expect(d.done).toBe(true);
    expect(d.output).toEqual(summary);
    expect((d.customStatus as RunProgress).phase).toBe("done");
    expect(d.idMismatches).toBe(0);
  });

  it("takes two children finishing in one batch", async () => {
    const d = await planned();
    const [users, groups, devices] = d.open as [Scheduled, Scheduled, Scheduled];
    await d.deliver([
      [devices, { ok: true, result: childResult("devices", 1) }],
      [users, { ok: true, result: childResult("users", 5) }],
    ]);
    expect(d.open).toEqual([groups]);
    await d.complete(groups, childResult("groups", 2));
    expect(only(d).name).toBe(ACTIVITY_FINISH);
    expect(d.customStatus).toMatchObject({ types: { users: { pages: 5, objects: 1000 }, groups: { pages: 2 }, devices: { pages: 1 } } });
    expect(d.log).toHaveLength(1 + 3 + 1);
    expect(d.idMismatches).toBe(0);
  });

  it("fans in with every unfinished type failed when a sub-orchestration fails beyond its retries", async () => {
    const d = await planned();
    const [users, groups] = d.open as [Scheduled, Scheduled, Scheduled];
    await d.complete(users, childResult("users", 3));
    await d.fail(groups, "Sub-orchestration 'syncTypeOrchestrator' failed: replay error");
    expect(d.open.filter((s) => s.name === ACTIVITY_FINISH)).toHaveLength(0);
    await d.fail(d.open.find((s) => s.instanceId === typeInstanceIdOf(TENANT, "groups"))!, "Sub-orchestration 'syncTypeOrchestrator' failed: replay error");
    const finish = d.open.find((s) => s.name === ACTIVITY_FINISH)!;
    const failures = (finish.input as FinishTaskInput).failures;
    expect(failures.groups).toMatch(/^Sub-orchestration 'syncTypeOrchestrator' failed: replay error/);
    expect(failures.devices).toBe("the run ended before this type finished");
    expect(failures.users).toBeUndefined();
    // The groups child was started twice (its retry), the others once.
    expect(d.log.filter((l) => l.name === ORCHESTRATOR_TYPE).map((l) => l.instanceId)).toEqual([
      ...PLAN.types.map((t) => typeInstanceIdOf(TENANT, t)),
      typeInstanceIdOf(TENANT, "groups"),
    ]);
  });

  it("the driver catches Task.any over re-yielded tasks (durable-js #574), so the checks above can fail", async () => {
    // The pattern the run orchestration replaced: one Task.any per turn over all running tasks.
    const reYielding = function* (context: OrchestrationContext): Generator<Task, string, unknown> {
      const running = [context.df.callActivity("a"), context.df.callActivity("b")];
      while (running.length > 0) {
        const winner = (yield context.df.Task.any(running)) as Task;
        running.splice(running.indexOf(winner), 1);
      }
      return "done";
    };
    const d = new ReplayDriver(reYielding, "any-1", null);
    await d.start();
    expect(d.log.map((l) => l.name)).toEqual(["a", "b"]);
    await d.complete(d.open.find((s) => s.name === "a")!, 1);
    // The second Task.any carries "b" again, and the extension schedules it again.
    expect(d.log.map((l) => l.name)).toEqual(["a", "b", "b"]);
    expect(d.idMismatches).toBeGreaterThan(0);
  });
});
