// Over 300 lines: one scenario suite for the Durable backend, run against the real durable-functions engine with one shared host set-up.
import { afterEach, describe, expect, it } from "vitest";
import df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { DurableBackend, type DurableBackendOptions, type InstanceStatus } from "../../src/durable/index.js";

/** Minimal view of the history events the runtime exposes through stats(). */
interface Ev {
  EventType: number;
  EventId: number;
  Timestamp: Date;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: Date;
}
const ET = { TaskScheduled: 4, TaskCompleted: 5, TaskFailed: 6, TimerCreated: 10, TimerFired: 11, OrchestratorStarted: 12 } as const;
const ET_NAME: Record<number, string> = Object.fromEntries(Object.entries(ET).map(([k, v]) => [v, k]));

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const runtimes: DurableBackend[] = [];
function runtime(opts: Partial<DurableBackendOptions>): DurableBackend {
  const rt = new DurableBackend({ timerScale: 0.001, ...opts });
  runtimes.push(rt);
  return rt;
}
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((rt) => rt.stop()));
});

async function waitUntil(rt: DurableBackend, id: string, pred: (s: InstanceStatus) => boolean, timeoutMs = 3000): Promise<InstanceStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await rt.getStatus(id);
    if (s && pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out; last status ${JSON.stringify(s)}`);
    await sleep(2);
  }
}

function events(rt: DurableBackend, id: string): Ev[] {
  return rt.stats(id).history as Ev[];
}
/** Scheduling/completion events only, as "Type#id" (TaskFailed/TaskCompleted by TaskScheduledId, TimerFired by TimerId). */
function trace(rt: DurableBackend, id: string): string[] {
  return events(rt, id)
    .filter((e) => ET_NAME[e.EventType] && e.EventType !== ET.OrchestratorStarted)
    .map((e) => `${ET_NAME[e.EventType]}#${e.TaskScheduledId ?? e.TimerId ?? e.EventId}`);
}
function retryDelays(rt: DurableBackend, id: string): number[] {
  return events(rt, id)
    .filter((e) => e.EventType === ET.TimerCreated)
    .map((e) => e.FireAt!.getTime() - e.Timestamp.getTime());
}

describe("DurableBackend: registered orchestrations on the real durable-functions engine, actions scheduled as the extension does", () => {
  it("fans out N activities and fans in the results in order, within maxConcurrentActivities", async () => {
    let active = 0;
    let peak = 0;
    const rt = runtime({
      maxConcurrentActivities: 3,
      orchestrators: {
        fanOut: function* (ctx: OrchestrationContext) {
          const n = ctx.df.getInput<number>();
          const tasks = Array.from({ length: n }, (_, i) => ctx.df.callActivity("square", i));
          const results = (yield ctx.df.Task.all(tasks)) as number[];
          return results;
        },
      },
      activities: {
        square: async (input) => {
          const i = input as number;
          active++;
          peak = Math.max(peak, active);
          await sleep((i * 7) % 5); // finish out of order
          active--;
          return i * i;
        },
      },
    });
    await rt.startNew("fanOut", { instanceId: "fan-1", input: 12 });
    const s = await rt.waitForCompletion("fan-1", 5000);
    expect(s.runtimeStatus).toBe("Completed");
    expect(s.output).toEqual(Array.from({ length: 12 }, (_, i) => i * i));
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
    const st = rt.stats("fan-1");
    expect(st.signatures).toHaveLength(12);
    expect(st.signatures[5]).toBe('CallActivity("square", 5)');
    // ids 0..11 were given in scheduling order, and each completion refers to one of them
    const t = trace(rt, "fan-1");
    expect(t.filter((x) => x.startsWith("TaskScheduled"))).toEqual(Array.from({ length: 12 }, (_, i) => `TaskScheduled#${i}`));
    expect(t.filter((x) => x.startsWith("TaskCompleted")).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `TaskCompleted#${i}`).sort());
  });

  it("runs a continuation loop until the activity says done", async () => {
    const rt = runtime({
      orchestrators: {
        loop: function* (ctx: OrchestrationContext) {
          const seen: number[] = [];
          let cursor = 0;
          for (;;) {
            const page = (yield ctx.df.callActivity("page", { cursor })) as { done: boolean; next: number; item: number };
            seen.push(page.item);
            if (page.done) break;
            cursor = page.next;
          }
          return seen;
        },
      },
      activities: {
        page: (input) => {
          const { cursor } = input as { cursor: number };
          return { done: cursor >= 3, next: cursor + 1, item: cursor * 10 };
        },
      },
    });
    await rt.startNew("loop", { instanceId: "loop-1" });
    const s = await rt.waitForCompletion("loop-1", 5000);
    expect(s.output).toEqual([0, 10, 20, 30]);
    const st = rt.stats("loop-1");
    expect(st.signatures).toEqual([0, 1, 2, 3].map((c) => `CallActivity("page", {"cursor":${c}})`));
    expect(st.replays).toBe(5); // start + one per completion
  });

  it("retries an activity that fails twice, then succeeds (callActivityWithRetry)", async () => {
    let attempts = 0;
    const rt = runtime({
      orchestrators: {
        withRetry: function* (ctx: OrchestrationContext) {
          const retry = new df.RetryOptions(1000, 5);
          retry.backoffCoefficient = 2;
          const r = (yield ctx.df.callActivityWithRetry("flaky", retry, "x")) as string;
          return r;
        },
      },
      activities: {
        flaky: (input) => {
          attempts++;
          if (attempts < 3) throw new Error(`transient ${attempts}`);
          return `ok ${String(input)} on ${attempts}`;
        },
      },
    });
    await rt.startNew("withRetry", { instanceId: "retry-1" });
    const s = await rt.waitForCompletion("retry-1", 5000);
    expect(s.runtimeStatus).toBe("Completed");
    expect(s.output).toBe("ok x on 3");
    expect(attempts).toBe(3);
    expect(retryDelays(rt, "retry-1")).toEqual([1000, 2000]);
    // The engine's ids: retry timer and re-scheduled attempt each take the next id.
    expect(trace(rt, "retry-1")).toEqual([
      "TaskScheduled#0",
      "TaskFailed#0",
      "TimerCreated#1",
      "TimerFired#1",
      "TaskScheduled#2",
      "TaskFailed#2",
      "TimerCreated#3",
      "TimerFired#3",
      "TaskScheduled#4",
      "TaskCompleted#4",
    ]);
    expect(rt.stats("retry-1").signatures).toEqual(['CallActivityWithRetry("flaky", "x")']);
  });

  it("delivers the failure once maxNumberOfAttempts is exhausted, so the orchestrator can catch it", async () => {
    let attempts = 0;
    const rt = runtime({
      orchestrators: {
        catcher: function* (ctx: OrchestrationContext) {
          const retry = new df.RetryOptions(500, 3);
          retry.backoffCoefficient = 2;
          retry.maxRetryIntervalInMilliseconds = 800;
          try {
            yield ctx.df.callActivityWithRetry("broken", retry, null);
            return { caught: null };
          } catch (err) {
            return { caught: err instanceof Error ? err.message : String(err) };
          }
        },
      },
      activities: {
        broken: () => {
          attempts++;
          throw new Error("directory is always broken");
        },
      },
    });
    await rt.startNew("catcher", { instanceId: "catch-1" });
    const s = await rt.waitForCompletion("catch-1", 5000);
    expect(s.runtimeStatus).toBe("Completed");
    expect(attempts).toBe(3);
    const caught = (s.output as { caught: string | null }).caught;
    expect(caught).toContain("Activity function 'broken' failed: directory is always broken");
    // first * 2^(n-1), capped at 800; DTFx (and the engine) put a timer after the last failure too
    expect(retryDelays(rt, "catch-1")).toEqual([500, 800, 800]);
  });

  it("keeps event ids in step when retries, completions and new work land in the same batch", async () => {
    const failures = new Map<number, number>();
    const rt = runtime({
      timerScale: 0, // every retry timer fires at once, so batches mix retry events with completions
      orchestrators: {
        mixed: function* (ctx: OrchestrationContext) {
          const retry = new df.RetryOptions(10, 4);
          const retried = Array.from({ length: 6 }, (_, i) => ctx.df.callActivityWithRetry("flakyN", retry, { i, fails: i % 4 }));
          const first = (yield ctx.df.callActivity("fast", 1)) as number;
          const more = (yield ctx.df.Task.all([ctx.df.callActivity("fast", first + 1), ctx.df.callActivity("fast", first + 2)])) as number[];
          let settled: unknown[];
          try {
            settled = (yield ctx.df.Task.all(retried)) as unknown[];
          } catch (err) {
            settled = [String(err instanceof Error ? err.message.split(" \n ")[0] : err)];
          }
          const last = (yield ctx.df.callActivity("fast", 100)) as number;
          return { first, more, settled, last };
        },
      },
      activities: {
        fast: (x) => x,
        flakyN: async (input) => {
          const { i, fails } = input as { i: number; fails: number };
          const n = (failures.get(i) ?? 0) + 1;
          failures.set(i, n);
          await sleep(i % 2);
          if (n <= fails) throw new Error(`item ${i} attempt ${n}`);
          return `item ${i} after ${n}`;
        },
      },
    });
    for (let round = 0; round < 5; round++) {
      failures.clear();
      const id = `mixed-${round}`;
      await rt.startNew("mixed", { instanceId: id });
      const s = await rt.waitForCompletion(id, 5000);
      expect(s.runtimeStatus, String(s.output)).toBe("Completed");
      expect(s.output).toEqual({
        first: 1,
        more: [2, 3],
        settled: ["item 0 after 1", "item 1 after 2", "item 2 after 3", "item 3 after 4", "item 4 after 1", "item 5 after 2"],
        last: 100,
      });
    }
  });

  it("puts retry events before completions that resume the orchestrator within one batch", async () => {
    // Both activities finish in the same tick, the plain one first. The engine gives the retry timer
    // its id while processing the history, so the runtime must order the failure first to agree on ids.
    const gate = deferred<void>();
    const rt = runtime({
      orchestrators: {
        sameTick: function* (ctx: OrchestrationContext) {
          const retried = ctx.df.callActivityWithRetry("failsOnce", new df.RetryOptions(10, 2), null);
          const gated = ctx.df.callActivity("gated", 5);
          yield ctx.df.Task.any([retried, gated]); // schedules both (ids 0 and 1); gated wins
          const w = (yield ctx.df.callActivity("fast", (gated.result as number) + 1)) as number;
          const r = (yield retried) as string;
          return { w, r };
        },
      },
      activities: {
        gated: async (x) => ((await gate.promise), x),
        failsOnce: (() => {
          let n = 0;
          return async () => {
            await gate.promise;
            for (let i = 0; i < 5; i++) await Promise.resolve(); // settle after the plain activity
            if (++n === 1) throw new Error("first attempt fails");
            return "second attempt ok";
          };
        })(),
        fast: (x) => x,
      },
    });
    await rt.startNew("sameTick", { instanceId: "tick-1" });
    await waitUntil(rt, "tick-1", (s) => s.runtimeStatus === "Running");
    await sleep(5);
    gate.resolve();
    const s = await rt.waitForCompletion("tick-1", 5000);
    expect(s.runtimeStatus, String(s.output)).toBe("Completed");
    expect(s.output).toEqual({ w: 6, r: "second attempt ok" });
    const t = trace(rt, "tick-1");
    // one batch held both outcomes: the failure (and its timer, id 2) precede the completion, then the new task (id 3)
    expect(t.slice(2, 6)).toEqual(["TaskFailed#0", "TimerCreated#2", "TaskCompleted#1", "TaskScheduled#3"]);
  });

  it("fails the instance with the error message when the orchestrator does not catch", async () => {
    const rt = runtime({
      orchestrators: {
        plain: function* (ctx: OrchestrationContext) {
          yield ctx.df.callActivity("boom", 1);
          return "unreachable";
        },
        thrower: function* (ctx: OrchestrationContext) {
          yield ctx.df.callActivity("fine");
          throw new Error("orchestrator gave up");
        },
      },
      activities: {
        boom: () => {
          throw new Error("kaboom");
        },
        fine: () => undefined,
      },
    });
    await rt.startNew("plain", { instanceId: "fail-1" });
    await rt.startNew("thrower", { instanceId: "fail-2" });
    const [a, b] = await Promise.all([rt.waitForCompletion("fail-1", 5000), rt.waitForCompletion("fail-2", 5000)]);
    expect(a.runtimeStatus).toBe("Failed");
    expect(String(a.output)).toContain("kaboom");
    expect(b.runtimeStatus).toBe("Failed");
    expect(b.output).toBe("orchestrator gave up");
  });

  it("fires a durable timer after the scaled delay and advances currentUtcDateTime to it", async () => {
    const rt = runtime({
      timerScale: 0.001,
      orchestrators: {
        timer: function* (ctx: OrchestrationContext) {
          const start = ctx.df.currentUtcDateTime;
          const fireAt = new Date(start.getTime() + 60_000);
          yield ctx.df.createTimer(fireAt);
          return { start: start.toISOString(), fireAt: fireAt.toISOString(), after: ctx.df.currentUtcDateTime.toISOString() };
        },
      },
    });
    const t0 = Date.now();
    await rt.startNew("timer", { instanceId: "timer-1" });
    const s = await rt.waitForCompletion("timer-1", 5000);
    const elapsed = Date.now() - t0;
    expect(s.runtimeStatus).toBe("Completed");
    expect(elapsed).toBeGreaterThanOrEqual(55); // 60 s * 0.001
    expect(elapsed).toBeLessThan(3000);
    const out = s.output as { start: string; fireAt: string; after: string };
    expect(Date.parse(out.after)).toBeGreaterThanOrEqual(Date.parse(out.fireAt));
    expect(trace(rt, "timer-1")).toEqual(["TimerCreated#0", "TimerFired#0"]);
  });

  it("Task.any: a timer wins over a blocked activity", async () => {
    const gate = deferred<string>();
    const rt = runtime({
      orchestrators: {
        race: function* (ctx: OrchestrationContext) {
          const work = ctx.df.callActivity("slow");
          const timeout = ctx.df.createTimer(new Date(ctx.df.currentUtcDateTime.getTime() + 30_000));
          const winner: unknown = yield ctx.df.Task.any([work, timeout]);
          if (winner === timeout) return "timed out";
          timeout.cancel();
          return "work first";
        },
      },
      activities: { slow: () => gate.promise },
    });
    await rt.startNew("race", { instanceId: "race-1" });
    const s = await rt.waitForCompletion("race-1", 5000);
    gate.resolve("late");
    expect(s.output).toBe("timed out");
    expect(rt.stats("race-1").signatures).toEqual(['CallActivity("slow", undefined)', expect.stringMatching(/^CreateTimer\(/)]);
  });

  it("keeps currentUtcDateTime deterministic and reports isReplaying", async () => {
    const seen: { replaying: boolean; now: string }[] = [];
    const rt = runtime({
      orchestrators: {
        clock: function* (ctx: OrchestrationContext) {
          seen.push({ replaying: ctx.df.isReplaying, now: ctx.df.currentUtcDateTime.toISOString() });
          yield ctx.df.callActivity("fine", 1);
          yield ctx.df.callActivity("fine", 2);
          return "done";
        },
      },
      activities: { fine: async () => sleep(5) },
    });
    await rt.startNew("clock", { instanceId: "clock-1" });
    await rt.waitForCompletion("clock-1", 5000);
    expect(seen.map((x) => x.replaying)).toEqual([false, true, true]);
    expect(new Set(seen.map((x) => x.now)).size).toBe(1);
  });

  it("detects a non-deterministic orchestrator", async () => {
    let runs = 0; // module-level state that changes between replays: a classic bug
    const rt = runtime({
      orchestrators: {
        nondet: function* (ctx: OrchestrationContext) {
          runs++;
          const first = (yield ctx.df.callActivity(runs === 1 ? "stepA" : "stepB", 1)) as number;
          return first;
        },
      },
      activities: { stepA: () => 1, stepB: () => 2 },
    });
    await rt.startNew("nondet", { instanceId: "nd-1" });
    const s = await rt.waitForCompletion("nd-1", 5000);
    expect(s.runtimeStatus).toBe("Failed");
    const msg = String(s.output);
    expect(msg.startsWith("Non-deterministic orchestration")).toBe(true);
    expect(msg).toContain('CallActivity("stepA", 1)');
    expect(msg).toContain('CallActivity("stepB", 1)');
  });

  it("refuses startNew over a running instance and replaces a finished one, as the extension does", async () => {
    const gate = deferred<string>();
    let stuckCalls = 0;
    const rt = runtime({
      orchestrators: {
        stuck: function* (ctx: OrchestrationContext) {
          const r = (yield ctx.df.callActivity("wait")) as string;
          return `old:${r}`;
        },
        quick: function* (ctx: OrchestrationContext) {
          const r = (yield ctx.df.callActivity("echo", ctx.df.getInput())) as string;
          return `new:${r}`;
        },
      },
      activities: {
        wait: () => {
          stuckCalls++;
          return gate.promise;
        },
        echo: (input) => String(input),
      },
    });
    await rt.startNew("stuck", { instanceId: "singleton", input: "first" });
    await waitUntil(rt, "singleton", (s) => s.runtimeStatus === "Running");
    await waitUntil(rt, "singleton", () => stuckCalls === 1);
    await expect(rt.startNew("quick", { instanceId: "singleton", input: "second" })).rejects.toThrow(/status Running already exists/);
    gate.resolve("late");
    expect((await rt.waitForCompletion("singleton", 5000)).output).toBe("old:late");
    await rt.startNew("quick", { instanceId: "singleton", input: "second" });
    const s = await rt.waitForCompletion("singleton", 5000);
    expect(s).toMatchObject({ name: "quick", input: "second", output: "new:second" });
  });

  it("getStatus shows Running with customStatus while an activity is blocked", async () => {
    const gate = deferred<number>();
    const rt = runtime({
      orchestrators: {
        status: function* (ctx: OrchestrationContext) {
          ctx.df.setCustomStatus({ phase: "fetching", page: 1 });
          const n = (yield ctx.df.callActivity("blocked")) as number;
          ctx.df.setCustomStatus({ phase: "done", page: n });
          return n;
        },
      },
      activities: { blocked: () => gate.promise },
    });
    await rt.startNew("status", { instanceId: "st-1" });
    const running = await waitUntil(rt, "st-1", (s) => s.runtimeStatus === "Running" && s.customStatus !== undefined);
    expect(running.customStatus).toEqual({ phase: "fetching", page: 1 });
    gate.resolve(7);
    const s = await rt.waitForCompletion("st-1", 5000);
    expect(s.runtimeStatus).toBe("Completed");
    expect(s.customStatus).toEqual({ phase: "done", page: 7 });
  });

  it("runs many instances concurrently", async () => {
    const rt = runtime({
      orchestrators: {
        two: function* (ctx: OrchestrationContext) {
          const a = (yield ctx.df.callActivity("inc", ctx.df.getInput())) as number;
          const b = (yield ctx.df.callActivity("inc", a)) as number;
          return b;
        },
      },
      activities: { inc: async (x) => ((await sleep(1)), (x as number) + 1) },
    });
    const ids = Array.from({ length: 20 }, (_, i) => `many-${i}`);
    await Promise.all(ids.map((id, i) => rt.startNew("two", { instanceId: id, input: i * 100 })));
    const done = await Promise.all(ids.map((id) => rt.waitForCompletion(id, 5000)));
    expect(done.map((s) => s.output)).toEqual(ids.map((_, i) => i * 100 + 2));
  });

  it("terminate marks the instance Terminated with the reason", async () => {
    const gate = deferred<void>();
    const rt = runtime({
      orchestrators: {
        forever: function* (ctx: OrchestrationContext) {
          yield ctx.df.callActivity("hang");
          return "never";
        },
      },
      activities: { hang: () => gate.promise },
    });
    await rt.startNew("forever", { instanceId: "term-1" });
    await waitUntil(rt, "term-1", (s) => s.runtimeStatus === "Running");
    await rt.terminate("term-1", "operator request");
    const s = await rt.waitForCompletion("term-1", 1000);
    expect(s.runtimeStatus).toBe("Terminated");
    expect(s.output).toBe("operator request");
    gate.resolve();
  });

  it("supports sub-orchestrations, external events and continueAsNew", async () => {
    const rt = runtime({
      orchestrators: {
        parent: function* (ctx: OrchestrationContext) {
          const child = (yield ctx.df.callSubOrchestrator("child", 20)) as number;
          const approval = (yield ctx.df.waitForExternalEvent("approve")) as { ok: boolean };
          return { child, approval };
        },
        child: function* (ctx: OrchestrationContext) {
          const x = (yield ctx.df.callActivity("inc", ctx.df.getInput())) as number;
          return x * 2;
        },
        counter: function* (ctx: OrchestrationContext) {
          const n = ctx.df.getInput<number>();
          yield ctx.df.callActivity("inc", n);
          if (n < 3) {
            ctx.df.continueAsNew(n + 1);
            return;
          }
          return `stopped at ${n}`;
        },
      },
      activities: { inc: (x) => (x as number) + 1 },
    });
    await rt.startNew("parent", { instanceId: "p-1" });
    await rt.raiseEvent("p-1", "approve", { ok: true }); // buffered until the wait
    const p = await rt.waitForCompletion("p-1", 5000);
    expect(p.output).toEqual({ child: 42, approval: { ok: true } });
    expect((await rt.getStatus("p-1:0"))?.output).toBe(42);

    await rt.startNew("counter", { instanceId: "can-1", input: 0 });
    const c = await rt.waitForCompletion("can-1", 5000);
    expect(c.output).toBe("stopped at 3");
    expect(c.input).toBe(3);
  });

  it("fails clearly on features the local runtime does not support", async () => {
    const rt = runtime({
      orchestrators: {
        entity: function* (ctx: OrchestrationContext) {
          yield ctx.df.callEntity(new df.EntityId("counter", "k"), "add", 1);
          return "x";
        },
      },
    });
    await rt.startNew("entity", { instanceId: "ent-1" });
    const s = await rt.waitForCompletion("ent-1", 5000);
    expect(s.runtimeStatus).toBe("Failed");
    expect(String(s.output)).toContain("CallEntity is not supported by the local runtime");
  });

  it("refuses unknown orchestrators and startNew after stop()", async () => {
    // eslint-disable-next-line require-yield -- an orchestrator may finish without scheduling anything
    const rt = runtime({ orchestrators: { noop: function* () { return 1; } } });
    await expect(rt.startNew("missing", { instanceId: "m" })).rejects.toThrow(/not registered/);
    await rt.stop();
    await expect(rt.startNew("noop", { instanceId: "n" })).rejects.toThrow(/stopped/);
  });
});
