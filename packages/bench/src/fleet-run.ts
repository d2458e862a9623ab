/**
 * The fleet run inside the host process: the local Functions host with the
 * app's registered functions and its Durable backend, the service over
 * Azurite and the simulated Azure. It registers the fleet's tenants through
 * the service's add-tenant path (one credential profile for all), makes them
 * due, fires the registered sync timer once (then once more while the runs
 * are in flight), and waits for every tenant's orchestration to finish.
 */
import "../../local-host/src/worker/core.js";
import { startLocalHost } from "../../local-host/src/host/host.js";
import { loadApp } from "../../local-host/src/host/load.js";
import { PROJECT_ROOT } from "../../local-host/src/project-root.js";
import type { InstanceStatus } from "../../local-host/src/durable/status.js";
import { newProfile, saveProfile } from "../../../src/credentials/profile.js";
import { instanceIdOf, ORCHESTRATOR, type RunInput } from "../../../src/orchestration/contract.js";
import { getServices } from "../../../src/services.js";
import { createTenant } from "../../../src/tenants/create-tenant.js";
import type { FleetHostMessage, FleetJob } from "./fleet-types.js";
import { Meter } from "./measure.js";
import { SimApi } from "./sim-api.js";

const SYNC_TIMER = "syncTimer";
const DAY_MS = 86_400_000;
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

const runIdOf = (s: InstanceStatus): string | undefined => (s.input as Partial<RunInput> | null)?.runId;

function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function runFleetHost(job: FleetJob, log: (m: string) => void): Promise<Extract<FleetHostMessage, { ok: true }>["report"]> {
  const services = getServices();
  await services.ready();
  // As the local runtime does: the timer's %SYNC_TIMER_SCHEDULE% resolves from the service's default.
  process.env.SYNC_TIMER_SCHEDULE ??= services.config.syncTimerSchedule;
  const functions = await loadApp(PROJECT_ROOT);
  // Run IDs per tenant, as the Durable backend reports its top-level instances finishing.
  const finishedRuns = new Map<string, Set<string>>();
  const errors: string[] = [];
  const host = await startLocalHost({
    functions,
    port: 0,
    timers: false,
    maxConcurrentActivities: job.maxConcurrentActivities,
    log: (level, msg) => {
      if (level === "error") errors.push(msg);
      if (level === "error" || level === "warn") log(`host ${level}: ${msg.slice(0, 300)}`);
    },
    onFinished: (s) => {
      if (s.name !== ORCHESTRATOR) return;
      const set = finishedRuns.get(s.instanceId) ?? new Set<string>();
      set.add(runIdOf(s) ?? `unknown-${set.size}`);
      finishedRuns.set(s.instanceId, set);
    },
  });
  try {
    // One app registration for the whole fleet: one credential profile, its secret in Key Vault once.
    const t0reg = performance.now();
    const profile = newProfile({ name: "Fleet connector", clientId: job.clientId, cloud: "global", secretExpiresOn: new Date(Date.now() + 90 * DAY_MS).toISOString(), inline: false }, new Date().toISOString());
    await saveProfile(services, profile, job.clientSecret);
    await pool(job.tenantIds, 8, async (tenantId) => {
      const r = await createTenant(services, { tenant: tenantId, cloud: "global", credential: { credentialId: profile.id } });
      if (r.kind !== "created") throw new Error(`tenant ${tenantId} not registered: ${r.kind}`);
      // Registered a day ago: due at this tick, like every other tenant of the fleet.
      await services.tenants.update(tenantId, (t) => ({ ...t, nextRunAt: new Date(Date.now() - DAY_MS).toISOString() }));
    });
    const registerSeconds = (performance.now() - t0reg) / 1000;
    const sim = new SimApi(job.graphBaseUrl);
    await pool(job.tenantIds, 16, (t) => sim.setFaults(t, { latencyMs: job.latencyMs }));
    log(`fleet host: ${job.tenantIds.length} tenants registered in ${registerSeconds.toFixed(1)} s; firing ${SYNC_TIMER}`);

    const since = Date.now();
    const meter = new Meter(500);
    meter.start();
    await host.timers.fire(SYNC_TIMER);
    const tickSeconds = meter.read().wallSeconds;
    const firstTick = new Map<string, InstanceStatus>();
    for (const id of job.tenantIds) {
      const s = await host.backend.getStatus(instanceIdOf(id));
      if (s) firstTick.set(id, s);
    }
    log(`fleet host: tick took ${tickSeconds.toFixed(2)} s, ${firstTick.size} instances; second tick`);
    // The next tick comes while runs are in flight: it must start none of them again.
    await host.timers.fire(SYNC_TIMER);
    let secondTickStarted = 0;
    for (const id of job.tenantIds) {
      const s = await host.backend.getStatus(instanceIdOf(id));
      const first = firstTick.get(id);
      if (s && (!first || runIdOf(s) !== runIdOf(first))) secondTickStarted++;
    }

    const deadline = Date.now() + job.timeoutMs;
    const waitAll = async (): Promise<InstanceStatus[]> => {
      let lastLog = Date.now();
      for (;;) {
        const all = (await Promise.all(job.tenantIds.map((id) => host.backend.getStatus(instanceIdOf(id))))).filter((s): s is InstanceStatus => s !== undefined);
        const running = all.filter((s) => s.runtimeStatus === "Pending" || s.runtimeStatus === "Running").length;
        if (running === 0 || Date.now() > deadline) return all;
        if (Date.now() - lastLog > 15_000) {
          log(`fleet host: ${all.length - running} of ${job.tenantIds.length} runs finished`);
          lastLog = Date.now();
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    let last = await waitAll();
    const m = meter.stop();
    if (job.dueAgainAfterRuns) {
      for (const id of job.tenantIds) await services.tenants.update(id, (t) => ({ ...t, nextRunAt: new Date(Date.now() - 1000).toISOString() }));
      await host.timers.fire(SYNC_TIMER);
      last = await waitAll();
    }

    // Duplicates from the backend: run IDs seen per tenant (finished, or the instance as it is now), beyond one.
    let duplicateRuns = 0;
    for (const id of job.tenantIds) {
      const runs = new Set(finishedRuns.get(instanceIdOf(id)) ?? []);
      const now = await host.backend.getStatus(instanceIdOf(id));
      const r = now ? runIdOf(now) : undefined;
      if (r) runs.add(r);
      duplicateRuns += Math.max(0, runs.size - 1);
    }
    // And from what the service recorded: distinct run IDs in each tenant's history.
    let duplicateRunsByHistory = 0;
    await pool(job.tenantIds, 8, async (id) => {
      const runs = new Set<string>();
      for await (const h of services.history.list(id)) runs.add(h.runId);
      duplicateRunsByHistory += Math.max(0, runs.size - 1);
    });
    let graphRequests = 0;
    let throttled429 = 0;
    await pool(job.tenantIds, 8, async (id) => {
      const { requests } = await sim.requests(id, since);
      graphRequests += requests.length;
      throttled429 += requests.filter((r) => r.status === 429).length;
    });
    const secs = last.filter((s) => s.runtimeStatus !== "Pending" && s.runtimeStatus !== "Running").map((s) => (s.lastUpdatedTime.getTime() - s.createdTime.getTime()) / 1000).sort((a, b) => a - b);
    if (errors.length) log(`fleet host: ${errors.length} host errors; first: ${errors[0]?.slice(0, 300)}`);
    return {
      tenants: job.tenantIds.length,
      tickSeconds: round(tickSeconds),
      orchestrationsStarted: firstTick.size,
      secondTickStarted,
      completed: last.filter((s) => s.runtimeStatus === "Completed").length,
      failed: last.filter((s) => s.runtimeStatus === "Failed" || s.runtimeStatus === "Terminated").length,
      notFinished: job.tenantIds.length - last.filter((s) => s.runtimeStatus !== "Pending" && s.runtimeStatus !== "Running").length,
      duplicateRuns,
      duplicateRunsByHistory,
      graphRequests,
      throttled429,
      wallSeconds: round(m.wallSeconds),
      runSeconds: { p50: round(quantile(secs, 0.5)), p95: round(quantile(secs, 0.95)), max: round(secs[secs.length - 1] ?? 0) },
      hostCpuSeconds: round(m.cpuSeconds, 2),
      hostPeakRssMb: round(m.peakRssMb, 1),
      registerSeconds: round(registerSeconds),
      maxConcurrentActivities: job.maxConcurrentActivities,
      latencyMs: job.latencyMs,
    };
  } finally {
    await host.stop();
  }
}
