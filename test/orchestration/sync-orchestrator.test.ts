import type { InvocationContext } from "@azure/functions";
import { OBJECT_TYPE_NAMES } from "../../src/graph/resources/index.js";
import { SYNCED_TYPES } from "../../src/domain/synced.js";
import type { OrchestrationContext } from "durable-functions";
import { describe, expect, it } from "vitest";
import { LocalDurableRuntime } from "../../packages/local-host/src/durable/index.js";
import {
  ACTIVITY_FINISH,
  ACTIVITY_PLAN,
  ACTIVITY_STREAM,
  instanceIdOf,
  ORCHESTRATOR,
  typeInstanceIdOf,
  type RunInput,
  type RunProgress,
  type RunSummary,
  type StreamTaskInput,
  type TypeResult,
} from "../../src/orchestration/contract.js";
import { activitiesFor, ORCHESTRATORS, type ActivityHandler } from "../../src/orchestration/registry.js";
import { startRun } from "../../src/orchestration/start-run.js";
import { syncOrchestrator } from "../../src/orchestration/sync-orchestrator.js";
import type { Services } from "../../src/services.js";
import type { HistoryRecord } from "../../src/store/history-store.js";
import { ObjectStore } from "../../src/store/object-store.js";
import { PreviewStore } from "../../src/store/preview-store.js";
import { syncStores } from "../../src/sync/stores.js";
import { testServices } from "../support/services.js";
import { expectEqualToTruth } from "../support/sync.js";
import { registeredTenant } from "../support/tenants.js";

type Wrap = (name: string, handler: ActivityHandler) => ActivityHandler;

/** Activity calls by name, as the activities saw them. */
type Calls = Map<string, StreamTaskInput[]>;

function runtime(services: Services, wrap: Wrap = (_n, h) => h, orchestrators = ORCHESTRATORS) {
  const calls: Calls = new Map();
  /** "start|end name type", in the order the activities ran. */
  const events: string[] = [];
  const counted: Wrap = (name, h) => async (input, ctx) => {
    const i = input as StreamTaskInput;
    calls.set(name, [...(calls.get(name) ?? []), i]);
    events.push(`start ${name} ${i.type ?? ""}`);
    try {
      return await h(input, ctx);
    } finally {
      events.push(`end ${name} ${i.type ?? ""}`);
    }
  };
  const activities = Object.fromEntries(Object.entries(activitiesFor(() => services)).map(([n, h]) => [n, counted(n, wrap(n, h))]));
  const durable = new LocalDurableRuntime({ orchestrators: { ...orchestrators }, activities, timerScale: 0.0001 });
  const client = { getStatus: (id: string) => durable.getStatus(id), startNew: (n: string, o: { instanceId: string; input: RunInput }) => durable.startNew(n, o) };
  return { durable, client, calls, events };
}

async function history(services: Services, tenantId: string): Promise<HistoryRecord[]> {
  const out: HistoryRecord[] = [];
  for await (const r of syncStores(services.tables, tenantId).history.list(tenantId)) out.push(r);
  return out;
}

/** Throws for one stream type on its first `times` calls (or always). */
function failing(type: string, times: number, calls: { n: number }): Wrap {
  return (name, h) =>
    name !== ACTIVITY_STREAM
      ? h
      : async (input: unknown, ctx: InvocationContext) => {
          if ((input as StreamTaskInput).type === type && calls.n++ < times) throw new Error(`injected failure ${calls.n}`);
          return h(input, ctx);
        };
}

describe("sync orchestrator on the real durable-functions replay engine", () => {
  it("fans out a stream per type, fans in, and the store ends equal", async () => {
    const services = await testServices();
    const { sim, tenant } = await registeredTenant(services);
    const { durable, client, calls } = runtime(services);
    const started = await startRun(client, services.tenants, tenant.id, "manual", "live");
    expect(started.started).toBe(true);
    const status = await durable.waitForCompletion(instanceIdOf(tenant.id), 60_000);
    expect(status.runtimeStatus).toBe("Completed");
    const summary = status.output as RunSummary;
    expect(summary.status).toBe("succeeded");
    expect(Object.keys(summary.types).sort()).toEqual([...OBJECT_TYPE_NAMES].sort());
    // One call per stream type (memberships ride on groups), the plan and the fan-in once each.
    expect((calls.get(ACTIVITY_STREAM) ?? []).map((c) => c.type).sort()).toEqual([...SYNCED_TYPES].sort());
    expect([calls.get(ACTIVITY_PLAN)?.length, calls.get(ACTIVITY_FINISH)?.length]).toEqual([1, 1]);
    expect((status.customStatus as RunProgress).phase).toBe("done");
    await expectEqualToTruth({ tenantId: tenant.id, stores: syncStores(services.tables, tenant.id) });
    const t = (await services.tenants.get(tenant.id))!.value;
    expect(t).toMatchObject({ status: "succeeded", lastSyncStatus: "succeeded", fullScanNextRun: false });
    expect(Date.parse(t.nextRunAt!)).toBeGreaterThan(Date.parse(t.lastSyncStart!));
    expect(sim.counts.users).toBe(summary.types.users?.total);
    await durable.stop();
  });

  it("loops on continuations with every stream call run once, and fans in once after all streams (the backend schedules every action leaf, as the extension does)", async () => {
    const services = await testServices({ SYNC_STREAM_BUDGET_SECONDS: "0" });
    const { tenant } = await registeredTenant(services, { spec: { users: 700, groups: 6 }, settings: { objectTypes: ["users", "groups"] } });
    const { durable, client, calls, events } = runtime(services);
    await startRun(client, services.tenants, tenant.id, "manual", "live");
    const status = await durable.waitForCompletion(instanceIdOf(tenant.id), 60_000);
    expect(status.runtimeStatus).toBe("Completed");
    const streams = calls.get(ACTIVITY_STREAM) ?? [];
    // 700 users at 200 a page is 4 pages: one call each, plus the groups' calls.
    expect(streams.filter((c) => c.type === "users").length).toBeGreaterThanOrEqual(4);
    // Each call's result came back to its own type: the users' sub-orchestration made exactly its pages' calls.
    const users = (await durable.getStatus(typeInstanceIdOf(tenant.id, "users")))?.output as TypeResult;
    expect(users).toMatchObject({ done: true, status: "done", calls: streams.filter((c) => c.type === "users").length });
    const groups = (await durable.getStatus(typeInstanceIdOf(tenant.id, "groups")))?.output as TypeResult;
    expect(streams).toHaveLength(users.calls + groups.calls);
    // One call at a time per type: never two of a type's calls in flight together.
    for (const type of ["users", "groups"]) {
      const mine = events.filter((e) => e.endsWith(` ${ACTIVITY_STREAM} ${type}`));
      expect(mine, type).toEqual(mine.map((_e, i) => (i % 2 === 0 ? "start" : "end") + ` ${ACTIVITY_STREAM} ${type}`));
    }
    expect(calls.get(ACTIVITY_FINISH)).toHaveLength(1);
    expect(events.indexOf(`start ${ACTIVITY_FINISH} `)).toBeGreaterThan(events.lastIndexOf(`end ${ACTIVITY_STREAM} users`));
    expect(events.indexOf(`start ${ACTIVITY_FINISH} `)).toBeGreaterThan(events.lastIndexOf(`end ${ACTIVITY_STREAM} groups`));
    const summary = status.output as RunSummary;
    expect(summary).toMatchObject({ status: "succeeded", types: { users: { total: 700, status: "succeeded" }, groups: { status: "succeeded" } } });
    await expectEqualToTruth({ tenantId: tenant.id, stores: syncStores(services.tables, tenant.id) }, ["users", "groups"]);
    await durable.stop();
  });

  it("retries a stream activity that fails twice, and the run still succeeds", async () => {
    const services = await testServices();
    const { tenant } = await registeredTenant(services, { settings: { objectTypes: ["users", "devices"] } });
    const calls = { n: 0 };
    const { durable, client } = runtime(services, failing("users", 2, calls));
    await startRun(client, services.tenants, tenant.id, "manual", "live");
    const status = await durable.waitForCompletion(instanceIdOf(tenant.id), 60_000);
    expect(calls.n).toBe(3);
    expect((status.output as RunSummary).status).toBe("succeeded");
    const users = (await history(services, tenant.id)).find((r) => r.type === "users");
    expect(users?.status).toBe("succeeded");
    await durable.stop();
  });

  it("writes a failed history row with the error when a stream always fails, and finishes the rest", async () => {
    const services = await testServices();
    const { tenant } = await registeredTenant(services, { settings: { objectTypes: ["users", "devices"] } });
    const calls = { n: 0 };
    const { durable, client } = runtime(services, failing("devices", Infinity, calls));
    await startRun(client, services.tenants, tenant.id, "manual", "live");
    const status = await durable.waitForCompletion(instanceIdOf(tenant.id), 60_000);
    expect(status.runtimeStatus).toBe("Completed");
    expect((status.output as RunSummary).status).toBe("partial");
    expect(calls.n).toBe(4);
    const rows = await history(services, tenant.id);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types asymmetric matchers as any
    expect(rows.find((r) => r.type === "devices")).toMatchObject({ status: "failed", error: expect.stringContaining("injected failure 4") });
    expect(rows.find((r) => r.type === "users")?.status).toBe("succeeded");
    await durable.stop();
  });

  it("previews into the previews table and leaves the live set alone", async () => {
    const services = await testServices();
    const { sim, tenant } = await registeredTenant(services, { settings: { enabled: false, objectTypes: ["users", "groups"] } });
    const { durable, client } = runtime(services);
    const started = await startRun(client, services.tenants, tenant.id, "manual", "preview");
    const status = await durable.waitForCompletion(instanceIdOf(tenant.id), 60_000);
    expect(status.runtimeStatus).toBe("Completed");
    const meta = await new PreviewStore(services.tables.client("Previews")).get(tenant.id);
    expect(meta).toMatchObject({ status: "ready", runId: started.started ? started.runId : "" });
    expect(meta?.summary.users).toMatchObject({ adds: sim.counts.users, updates: 0, deletes: 0 });
    expect(await new ObjectStore(services.tables.client("Objects"), tenant.id).count("users")).toBe(0);
    expect((await history(services, tenant.id)).length).toBe(0);
    await durable.stop();
  });

  it("catches an injected non-deterministic action on replay", async () => {
    const services = await testServices();
    const { tenant } = await registeredTenant(services, { settings: { objectTypes: ["users"] } });
    let executions = 0;
    // Its second execution (a replay) schedules the plan with another run ID.
    const drifting = function* (context: OrchestrationContext) {
      executions++;
      const original = context.df.getInput<RunInput>();
      const drifted = executions > 1 ? { ...original, runId: `${original.runId}-drift` } : original;
      context.df.getInput = (() => drifted) as typeof context.df.getInput;
      return yield* syncOrchestrator(context);
    };
    const { durable, client } = runtime(services, undefined, { [ORCHESTRATOR]: drifting });
    await startRun(client, services.tenants, tenant.id, "manual", "live");
    const status = await durable.waitForCompletion(instanceIdOf(tenant.id), 60_000);
    expect(status.runtimeStatus).toBe("Failed");
    expect(String(status.output)).toMatch(/^Non-deterministic orchestration/);
    await durable.stop();
  });
});
