import { describe, expect, it } from "vitest";
import { instanceIdOf, typeInstanceIdOf, type RunProgress, type TypeResult } from "../../src/orchestration/contract.js";
import { readRunProgress } from "../../src/orchestration/progress.js";
import type { OrchestrationClient } from "../../src/orchestration/start-run.js";

const T = "00000000-0000-4000-8000-0000000000bb";
const run = (phase: RunProgress["phase"]): RunProgress => ({
  phase,
  runId: "run-2",
  trigger: "manual",
  mode: "live",
  types: { users: { pages: 0, objects: 0, done: false, status: "running" }, groups: { pages: 0, objects: 0, done: false, status: "running" } },
});
const child = (runId: string, pages: number): TypeResult => ({ runId, type: "users", pages, objects: pages * 100, done: false, status: "running", calls: pages, error: null });

function clientWith(statuses: Record<string, unknown>): OrchestrationClient {
  return {
    getStatus: async (id) => (id in statuses ? { runtimeStatus: "Running", customStatus: statuses[id] } : undefined),
    startNew: async (_n, o) => o.instanceId,
  };
}

describe("the run's progress as the status route shows it", () => {
  it("takes each type's live figures from its sub-orchestration while the streams run", async () => {
    const client = clientWith({ [typeInstanceIdOf(T, "users")]: child("run-2", 3) });
    const p = await readRunProgress(client, T, { runtimeStatus: "Running", customStatus: run("streams") });
    expect(p?.types.users).toEqual({ pages: 3, objects: 300, done: false, status: "running" });
    // No sub-orchestration yet: the parent's figures stay.
    expect(p?.types.groups).toEqual({ pages: 0, objects: 0, done: false, status: "running" });
  });

  it("ignores a sub-orchestration still showing an earlier run", async () => {
    const client = clientWith({ [typeInstanceIdOf(T, "users")]: child("run-1", 9) });
    const p = await readRunProgress(client, T, { runtimeStatus: "Running", customStatus: run("streams") });
    expect(p?.types.users?.pages).toBe(0);
  });

  it("reads no child outside the streams phase, and nothing from a status that is not a run's", async () => {
    const asked: string[] = [];
    const client: OrchestrationClient = { getStatus: async (id) => (asked.push(id), undefined), startNew: async (_n, o) => o.instanceId };
    expect(await readRunProgress(client, T, { runtimeStatus: "Completed", customStatus: run("done") })).toEqual(run("done"));
    expect(await readRunProgress(client, T, { runtimeStatus: "Running", customStatus: "starting" })).toBeNull();
    expect(await readRunProgress(client, T, undefined)).toBeNull();
    expect(asked).toEqual([]);
    expect(instanceIdOf(T)).toBe(`sync-${T}`);
    expect(typeInstanceIdOf(T, "administrativeUnits").length).toBeLessThanOrEqual(100);
  });
});
