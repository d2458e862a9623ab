import type { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { LocalDurableRuntime } from "../../packages/local-host/src/durable/index.js";
import { cancelRun, CANCEL_REASON } from "../../src/orchestration/cancel-run.js";
import { ACTIVITY_STREAM, instanceIdOf, typeInstanceIdOf, type StreamTaskInput } from "../../src/orchestration/contract.js";
import { activitiesFor, ORCHESTRATORS } from "../../src/orchestration/registry.js";
import { startRun, type OrchestrationClient } from "../../src/orchestration/start-run.js";
import type { Services } from "../../src/services.js";
import type { HistoryRecord } from "../../src/store/history-store.js";
import { syncStores } from "../../src/sync/stores.js";
import { testServices } from "../support/services.js";
import { registeredTenant } from "../support/tenants.js";

/** The real orchestrations and activities; the users stream waits on a gate, so the run stays running. */
function blockedRuntime(services: Services) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const blocked = new Promise<void>((r) => (entered = r));
  const real = activitiesFor(() => services);
  const activities = {
    ...real,
    [ACTIVITY_STREAM]: async (input: unknown, ctx: InvocationContext) => {
      if ((input as StreamTaskInput).type === "users") {
        entered();
        await gate;
      }
      return real[ACTIVITY_STREAM]!(input, ctx);
    },
  };
  const durable = new LocalDurableRuntime({ orchestrators: { ...ORCHESTRATORS }, activities, timerScale: 0.0001 });
  const client: OrchestrationClient = {
    getStatus: (id) => durable.getStatus(id),
    startNew: (n, o) => durable.startNew(n, o),
    terminate: (id, reason) => durable.terminate(id, reason),
  };
  return { durable, client, blocked, release };
}

async function history(services: Services, tenantId: string): Promise<HistoryRecord[]> {
  const out: HistoryRecord[] = [];
  for await (const r of syncStores(services.tables, tenantId).history.list(tenantId)) out.push(r);
  return out;
}

describe("cancelling a run", () => {
  it("terminates the run and its type sub-orchestrations, records the run as cancelled, and the next start is accepted", async () => {
    const services = await testServices();
    const { tenant } = await registeredTenant(services, { spec: { users: 30, groups: 2 }, settings: { objectTypes: ["users", "groups"] } });
    const { durable, client, blocked, release } = blockedRuntime(services);
    const started = await startRun(client, services.tenants, tenant.id, "manual", "live");
    if (!started.started) throw new Error("not started");
    await blocked;

    const result = await cancelRun(client, services, tenant.id);
    expect(result).toEqual({ cancelled: true, runId: started.runId });
    for (const id of [instanceIdOf(tenant.id), typeInstanceIdOf(tenant.id, "users")]) {
      expect(await durable.getStatus(id), id).toMatchObject({ runtimeStatus: "Terminated", output: CANCEL_REASON });
    }
    const rows = await history(services, tenant.id);
    expect(rows.map((r) => [r.type, r.status, r.runId]).sort()).toEqual([
      ["groups", "cancelled", started.runId],
      ["users", "cancelled", started.runId],
    ]);
    const t = (await services.tenants.get(tenant.id))!.value;
    expect(t).toMatchObject({ status: "idle", lastSyncStatus: "cancelled" });
    expect(Date.parse(t.nextRunAt!)).toBeGreaterThan(Date.now() - 1000);

    // Nothing runs any more: a second cancel finds no run, and a new run may start.
    expect(await cancelRun(client, services, tenant.id)).toEqual({ cancelled: false, reason: "notRunning" });
    release();
    expect((await startRun(client, services.tenants, tenant.id, "manual", "live")).started).toBe(true);
    await durable.waitForCompletion(instanceIdOf(tenant.id), 60_000);
    await durable.stop();
  });

  it("answers notRunning, and terminates nothing, when no run is active", async () => {
    const services = await testServices();
    const { tenant } = await registeredTenant(services, { spec: { users: 5, groups: 1 }, settings: { objectTypes: ["users"] } });
    const terminated: string[] = [];
    const client: OrchestrationClient = {
      getStatus: async () => ({ runtimeStatus: "Completed" }),
      startNew: async (_n, o) => o.instanceId,
      terminate: async (id) => void terminated.push(id),
    };
    expect(await cancelRun(client, services, tenant.id)).toEqual({ cancelled: false, reason: "notRunning" });
    expect(terminated).toEqual([]);
    expect(await history(services, tenant.id)).toEqual([]);
  });
});
