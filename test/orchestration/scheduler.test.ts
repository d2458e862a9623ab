import type { OrchestrationContext } from "durable-functions";
import { describe, expect, it } from "vitest";
import { LocalDurableRuntime } from "../../packages/local-host/src/durable/index.js";
import { instanceIdOf, ORCHESTRATOR, typeInstanceIdOf, type RunInput } from "../../src/orchestration/contract.js";
import { isDue, tick, TICK_START_CONCURRENCY } from "../../src/orchestration/scheduler.js";
import { isActive, startRun } from "../../src/orchestration/start-run.js";
import { SYNCED_TYPES } from "../../src/domain/synced.js";
import type { TenantRecord } from "../../src/store/tenant-store.js";
import { testServices } from "../support/services.js";

const NOW = Date.parse("2026-11-21T12:00:00Z");

function tenant(id: string, over: Partial<TenantRecord> = {}): TenantRecord {
  return {
    id,
    displayName: id,
    cloud: "global",
    domain: null,
    enabled: true,
    credentialId: "c",
    objectTypes: [...SYNCED_TYPES],
    schedule: { kind: "interval", minutes: 5, timeZone: "UTC" },
    filters: {},
    deletionThreshold: null,
    endpoints: null,
    createdAt: new Date(NOW - 86_400_000).toISOString(),
    fullScanNextRun: false,
    deletionsPending: false,
    status: "succeeded",
    lastRunId: null,
    lastTrigger: null,
    lastSyncStart: null,
    lastSyncEnd: null,
    lastSyncStatus: null,
    nextRunAt: new Date(NOW - 60_000).toISOString(),
    ...over,
  };
}

describe("scheduler", () => {
  it.each([
    ["due", tenant("a"), true],
    ["disabled", tenant("b", { enabled: false }), false],
    ["not yet due", tenant("c", { nextRunAt: new Date(NOW + 1000).toISOString() }), false],
    ["due exactly now", tenant("d", { nextRunAt: new Date(NOW).toISOString() }), true],
    ["no schedule", tenant("e", { nextRunAt: null }), false],
    ["deletions pending", tenant("f", { deletionsPending: true }), false],
  ])("%s", (_name, t, due) => {
    expect(isDue(t, NOW)).toBe(due);
  });

  it("starts exactly one run per due tenant from 10 concurrent ticks, and none while one runs", async () => {
    const services = await testServices();
    const ids = ["00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b", "00000000-0000-4000-8000-00000000000c"];
    for (const id of ids) await services.tenants.create(tenant(id));
    await services.tenants.create(tenant("00000000-0000-4000-8000-0000000000d1", { enabled: false }));
    await services.tenants.create(tenant("00000000-0000-4000-8000-0000000000d2", { deletionsPending: true }));
    await services.tenants.create(tenant("00000000-0000-4000-8000-0000000000d3", { nextRunAt: new Date(NOW + 3_600_000).toISOString() }));

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const durable = new LocalDurableRuntime({
      orchestrators: {
        [ORCHESTRATOR]: function* (context: OrchestrationContext) {
          return (yield context.df.callActivity("block", context.df.getInput<RunInput>().tenantId)) as unknown;
        },
      },
      activities: { block: (id: unknown) => gate.then(() => id) },
    });
    const started: string[] = [];
    const client = {
      getStatus: (id: string) => durable.getStatus(id),
      startNew: async (name: string, o: { instanceId: string; input: RunInput }) => {
        started.push(o.instanceId);
        return durable.startNew(name, o);
      },
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => tick(client, services.tenants, () => NOW)));
    expect(started.sort()).toEqual(ids.map(instanceIdOf).sort());
    for (const id of ids) expect(results.filter((r) => r.get(id)?.started).length, id).toBe(1);

    // A tick long after the claims, while the instances still run, starts nothing.
    await tick(client, services.tenants, () => NOW + 600_000);
    expect(started).toHaveLength(3);
    release();
    for (const id of ids) expect((await durable.waitForCompletion(instanceIdOf(id), 10_000)).runtimeStatus).toBe("Completed");
    await durable.stop();
  });

  it("isolates each tenant: one whose start throws is logged by ID, and the tick starts the others", async () => {
    const services = await testServices();
    const ids = ["00000000-0000-4000-8000-0000000000e1", "00000000-0000-4000-8000-0000000000e2", "00000000-0000-4000-8000-0000000000e3"];
    for (const id of ids) await services.tenants.create(tenant(id));
    const bad = ids[1]!;
    const started: string[] = [];
    const client = {
      getStatus: async () => undefined,
      startNew: async (_name: string, o: { instanceId: string; input: RunInput }) => {
        if (o.instanceId === instanceIdOf(bad)) throw new Error("Durable client: 500 from the task hub");
        started.push(o.instanceId);
        return o.instanceId;
      },
    };
    const logs: string[] = [];
    const results = await tick(client, services.tenants, () => NOW, (m) => logs.push(m));
    expect(started.sort()).toEqual([ids[0]!, ids[2]!].map(instanceIdOf).sort());
    expect([...results.keys()].sort()).toEqual([ids[0]!, ids[2]!].sort());
    expect(logs).toEqual([expect.stringContaining(bad)]);
    expect(logs[0]).toContain("500 from the task hub");
    // Its claim was rolled back, so the next tick tries it again.
    expect((await services.tenants.get(bad))?.value.status).toBe("succeeded");
  });

  it.each(["Pending", "Running", "ContinuedAsNew", "Suspended"])("starts nothing over a %s instance, which the extension would refuse", async (runtimeStatus) => {
    const services = await testServices();
    const id = "00000000-0000-4000-8000-0000000000f1";
    await services.tenants.create(tenant(id));
    const started: string[] = [];
    const client = {
      getStatus: async () => ({ runtimeStatus }),
      startNew: async (_n: string, o: { instanceId: string; input: RunInput }) => (started.push(o.instanceId), o.instanceId),
    };
    expect(isActive(runtimeStatus)).toBe(true);
    expect(await startRun(client, services.tenants, id, "manual", "live")).toEqual({ started: false, reason: "running" });
    expect(started).toEqual([]);
  });

  it("terminates a type sub-orchestration the last run left running before it starts the next run", async () => {
    const services = await testServices();
    const id = "00000000-0000-4000-8000-0000000000f2";
    await services.tenants.create(tenant(id));
    const calls: string[] = [];
    const statuses: Record<string, { runtimeStatus: string; customStatus?: unknown }> = {
      // The run completed after its Task.all gave up: groups never finished.
      [instanceIdOf(id)]: { runtimeStatus: "Completed", customStatus: { phase: "done", runId: "r0", trigger: "schedule", mode: "live", types: { users: { pages: 1, objects: 1, done: true, status: "done" }, groups: { pages: 0, objects: 0, done: false, status: "failed" } } } },
      [typeInstanceIdOf(id, "groups")]: { runtimeStatus: "Running" },
      [typeInstanceIdOf(id, "users")]: { runtimeStatus: "Completed" },
    };
    const client = {
      getStatus: async (i: string) => statuses[i],
      startNew: async (_n: string, o: { instanceId: string; input: RunInput }) => (calls.push(`start ${o.instanceId}`), o.instanceId),
      terminate: async (i: string) => void calls.push(`terminate ${i}`),
    };
    expect((await startRun(client, services.tenants, id, "schedule", "live")).started).toBe(true);
    expect(calls).toEqual([`terminate ${typeInstanceIdOf(id, "groups")}`, `start ${instanceIdOf(id)}`]);

    // After a run that finished every type, no child is looked at.
    statuses[instanceIdOf(id)] = { runtimeStatus: "Completed", customStatus: { phase: "done", runId: "r1", trigger: "schedule", mode: "live", types: { users: { pages: 1, objects: 1, done: true, status: "done" } } } };
    await services.tenants.update(id, (t) => ({ ...t, status: "succeeded" }));
    calls.length = 0;
    const asked: string[] = [];
    const watching = { ...client, getStatus: async (i: string) => (asked.push(i), statuses[i]) };
    expect((await startRun(watching, services.tenants, id, "schedule", "live")).started).toBe(true);
    expect(asked).toEqual([instanceIdOf(id)]);
    expect(calls).toEqual([`start ${instanceIdOf(id)}`]);
  });

  // Regression: the tick started due tenants one at a time, so 1,000 due tenants waited on 1,000 serial startNew calls.
  it("starts due tenants side by side, at most TICK_START_CONCURRENCY at once, each exactly once", async () => {
    const services = await testServices();
    const ids = Array.from({ length: 40 }, (_, i) => `00000000-0000-4000-8000-${(0xa00 + i).toString(16).padStart(12, "0")}`);
    await Promise.all(ids.map((id) => services.tenants.create(tenant(id))));
    let inFlight = 0;
    let most = 0;
    const started: string[] = [];
    const client = {
      getStatus: async () => undefined,
      startNew: async (_n: string, o: { instanceId: string; input: RunInput }) => {
        inFlight++;
        most = Math.max(most, inFlight);
        // A Durable client call takes a while (an HTTP request to the extension).
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        started.push(o.instanceId);
        return o.instanceId;
      },
    };
    const results = await tick(client, services.tenants, () => NOW);
    expect(started.sort()).toEqual(ids.map(instanceIdOf).sort());
    expect([...results.values()].every((r) => r.started)).toBe(true);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(TICK_START_CONCURRENCY);
  });
});
