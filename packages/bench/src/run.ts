/**
 * `npm run bench` — the benchmark. This process is the launcher and
 * the service side: it makes the certificates, runs the simulated Azure
 * (Entra + Graph) and, with --store azurite, Azurite, and adds a generated
 * tenant. The sync runs in a worker child (bench/worker.ts) that trusts the
 * simulator's CA from its first instruction (NODE_EXTRA_CA_CERTS), so the
 * worker's CPU and RSS are the sync's alone. --sizes starts one tenant and
 * one worker per size. Logs go to stderr; stdout holds only the result.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAzurite, type RunningAzurite } from "../../local-host/src/azurite.js";
import { generateCertificates } from "../../azure-sim/src/certs.js";
import { READ_PERMISSIONS } from "../../azure-sim/src/model.js";
import { CONNECTOR_APP } from "../../azure-sim/src/seed.js";
import { startSimulatedAzure, type SimulatedAzure } from "../../azure-sim/src/server.js";
import { parseArgs, USAGE, type BenchArgs } from "./args.js";
import { runsTable, sizesTable, speedup, targets, targetsText, type SizeResult } from "./report.js";
import { benchSpec } from "./spec.js";
import { runFleet } from "./fleet.js";
import { fleetText } from "./fleet-report.js";
import { startTableServer, type RunningTableServer } from "./table-server-process.js";
import type { Job, RunName, RunReport, WorkerResult } from "./types.js";
import type { WorkerMessage } from "./worker.js";
import { buildWorker, type BuiltWorker } from "./worker-build.js";

const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

/** Budget per stream call, as the production default (SYNC_STREAM_BUDGET_SECONDS = 240). */
const STREAM_BUDGET_MS = 240_000;
const NAIVE_GROUPS_FAKE = 1_000;
const NAIVE_GROUPS_AZURITE = 200;

let serial = 0;

function addTenant(sim: SimulatedAzure, users: number, seed: number, premium: boolean) {
  const spec = benchSpec(users, seed, premium);
  const t0 = performance.now();
  const tenant = sim.registry.addTenant({
    displayName: `Bench ${users}`,
    domain: `bench-${users}-${process.pid}-${++serial}.onmicrosoft.com`,
    spec,
    apps: [{ displayName: CONNECTOR_APP, grantedPermissions: [...READ_PERMISSIONS] }],
  });
  const app = [...tenant.apps.values()][0]!;
  const counts = tenant.directory.counts();
  log(`tenant ${tenant.domain}: ${JSON.stringify(counts)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return { app: { tenantId: tenant.tenantId, clientId: app.clientId, clientSecret: app.secrets[0]!.secretText }, counts: counts as unknown as Record<string, number> };
}

function runWorker(worker: BuiltWorker, job: Job, caCertFile: string, heapLimitMb: number | null): Promise<WorkerResult> {
  // BENCH_CPU_PROFILE_DIR: write a V8 CPU profile of the worker there (to see where a run's time goes).
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  const heap = heapLimitMb ? [`--max-old-space-size=${heapLimitMb}`] : [];
  const child = spawn(process.execPath, ["--expose-gc", ...heap, ...profile, worker.entry], {
    // The worker's stdout goes to our stderr: stdout stays clean for --json.
    stdio: ["ignore", 2, "inherit", "ipc"],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertFile },
  });
  return new Promise((resolve, reject) => {
    let answer: WorkerMessage | undefined;
    child.on("message", (m: WorkerMessage) => {
      answer = m;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (answer?.ok) resolve(answer.result);
      else reject(new Error(answer && !answer.ok ? answer.error : `bench worker exited with ${code ?? signal}`));
    });
    child.send(job);
  });
}

function jobFor(args: BenchArgs, sim: SimulatedAzure, app: Job["app"], counts: Record<string, number>, runs: readonly RunName[], azurite: RunningAzurite | undefined, tableServer?: RunningTableServer): Job {
  const groups = counts.groups ?? 0;
  const sample = args.naiveGroups ?? (args.store === "azurite" ? NAIVE_GROUPS_AZURITE : NAIVE_GROUPS_FAKE);
  return {
    graphBaseUrl: sim.graphBaseUrl,
    authorityHost: sim.authorityHost,
    app,
    latencyMs: args.latencyMs,
    latencyPerObjectMs: args.latencyPerObjectMs,
    store: args.store,
    ...(azurite ? { tableConnectionString: azurite.connectionString } : {}),
    ...(tableServer ? { tableServerUrl: tableServer.url } : {}),
    runs,
    indexObjects: runs.includes("delta"),
    tableLatencyMs: args.tableLatencyMs,
    naiveGroupStride: Math.max(1, Math.ceil(groups / sample)),
    mutationCount: Math.max(1, Math.round(args.users * args.mutationRate)),
    seed: args.seed,
    faults: { seed: args.seed, rate429: args.rate429, rate503: args.rate503, retryAfterSeconds: args.retryAfterSeconds },
    budgetMs: STREAM_BUDGET_MS,
  };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  if (parsed === "help") {
    process.stdout.write(USAGE);
    return;
  }
  const args = parsed;
  if (args.store === "azurite" && args.users > 20_000) log(`warning: Azurite slows as tables grow; ${args.users} users will take long`);
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "entra-sync-bench-"));
  const certs = generateCertificates(dir);
  const sim = await startSimulatedAzure({ certs });
  const azurite = args.store === "azurite" ? await startAzurite() : undefined;
  // The counting table service runs in a process of its own: none of its CPU or memory is the sync's.
  const tables = args.store === "fake" ? await startTableServer() : undefined;
  let built: BuiltWorker | undefined;
  const worker = (): BuiltWorker => (built ??= buildWorker());
  const config = {
    store: args.store,
    latencyMs: args.latencyMs,
    latencyPerObjectMs: args.latencyPerObjectMs,
    latencyModel: `${args.latencyMs} ms + ${args.latencyPerObjectMs} ms per object returned, per Graph request`,
    tableLatencyMs: args.store === "fake" ? args.tableLatencyMs : null,
    pageCaps: { deltaObjects: 200, deltaLinks: 500, listMaxTop: 999 },
    faults: { rate429: args.rate429, rate503: args.rate503, retryAfterSeconds: args.retryAfterSeconds, seed: args.seed },
    mutationRate: args.mutationRate,
    signIns: args.signIns,
    heapLimitMb: args.heapLimitMb,
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
  };
  try {
    const fleetRun = () => runFleet(sim, certs.caCertFile, { tenants: args.fleet, latencyMs: args.latencyMs, seed: args.seed, throttleBudget: args.throttleBudget, timeoutMs: args.fleetTimeoutSeconds * 1000 }, log);
    if (args.fleetOnly) {
      const fleet = await fleetRun();
      const doc = `${JSON.stringify({ fleet, config }, null, 2)}\n`;
      if (args.jsonOut) writeFileSync(args.jsonOut, doc);
      process.stdout.write(args.json ? doc : `\n${fleetText(fleet)}\n`);
      return;
    }
    if (args.sizes) {
      const sizes: SizeResult[] = [];
      for (const users of args.sizes) {
        const { app, counts } = addTenant(sim, users, args.seed, args.signIns);
        log(`size ${users}: full run in a fresh worker`);
        const result = await runWorker(worker(), jobFor(args, sim, app, counts, ["full"], azurite, tables), certs.caCertFile, args.heapLimitMb);
        const run = result.runs[0];
        if (!run) throw new Error("the worker returned no run");
        sizes.push({ users, counts, run });
      }
      const ts = targets([], sizes);
      const doc = `${JSON.stringify({ sizes: sizes.map((s) => ({ users: s.users, counts: s.counts, ...s.run })), targets: ts, config }, null, 2)}\n`;
      if (args.jsonOut) writeFileSync(args.jsonOut, doc);
      if (args.json) {
        process.stdout.write(doc);
      } else {
        process.stdout.write(`\nfull sync at each size (${args.store} store, ${args.latencyMs} ms per Graph request; each in a fresh process)\n\n${sizesTable(sizes)}\n\n${targetsText(ts)}\n`);
      }
      return;
    }
    const { app, counts } = addTenant(sim, args.users, args.seed, args.signIns);
    // One fresh worker per run, so no run's RSS carries what an earlier one left in the
    // heap; the delta worker makes its own (unreported) full run first to fill its store.
    const reports: RunReport[] = [];
    let job: Job | undefined;
    let fullTablePrefix: string | undefined;
    for (const name of ["full", "delta", "faults", "naive"] as const) {
      if (!args.runs.includes(name)) continue;
      job = jobFor(args, sim, app, counts, [name], azurite, tables);
      if (name === "delta" && azurite && fullTablePrefix) job = { ...job, continueFrom: fullTablePrefix };
      const result = await runWorker(worker(), job, certs.caCertFile, args.heapLimitMb);
      fullTablePrefix ??= result.fullTablePrefix;
      reports.push(...result.runs);
    }
    const order: RunName[] = ["full", "naive", "delta", "faults"];
    const runs = order.filter((n) => args.runs.includes(n)).map((n) => reports.find((r) => r.name === n)).filter((r): r is RunReport => r !== undefined);
    const result = { runs };
    const ts = targets(result.runs);
    const sp = speedup(result.runs);
    const fleet = args.fleet > 0 ? await fleetRun() : undefined;
    const fullConfig = { ...config, users: args.users, counts, naiveGroupStride: job?.naiveGroupStride ?? 1, mutations: job?.mutationCount ?? 0 };
    const doc = `${JSON.stringify({ runs: result.runs, speedupVsNaive: sp, config: fullConfig, targets: ts, ...(fleet ? { fleet } : {}) }, null, 2)}\n`;
    if (args.jsonOut) writeFileSync(args.jsonOut, doc);
    if (args.json) {
      process.stdout.write(doc);
    } else {
      const lines = [
        "",
        `entra-sync benchmark: ${args.users} users, ${counts.groups} groups, ${counts.memberships} memberships, ${counts.devices} devices, ${counts.applications} applications, ${counts.servicePrincipals} service principals`,
        `Graph: simulated, ${args.latencyMs} ms${args.latencyPerObjectMs ? ` + ${args.latencyPerObjectMs} ms per object` : ""} per request, 200 objects / 500 links per delta page; tables: ${args.store === "fake" ? "counting table service in its own process, over HTTP" : "Azurite (in-process, in memory)"}`,
        "",
        runsTable(result.runs),
        "",
        result.runs.some((r) => r.sampled) ? `* ${result.runs.find((r) => r.sampled)?.sampled?.what}\n` : "",
        `speedup vs naive: ${sp === null ? "n/a" : `${sp} ×`}`,
        "",
        "targets:",
        targetsText(ts),
        "",
      ];
      for (const r of result.runs) if (r.check?.problems.length) lines.push(`${r.name} check: ${r.check.problems.join("; ")}`);
      if (fleet) lines.push("", fleetText(fleet));
      process.stdout.write(lines.join("\n") + "\n");
    }
  } finally {
    await sim.stop();
    await azurite?.stop();
    await tables?.stop();
    built?.remove();
    rmSync(dir, { recursive: true, force: true });
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
