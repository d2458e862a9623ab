/**
 * The fleet run (`npm run bench -- --fleet N`): N small tenants and a few
 * large ones in the simulator, all consented to one multi-tenant app, the
 * service's tables in Azurite (a process of its own), and the Functions host with
 * the service in a child process (fleet-host.ts) whose CPU is reported.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../local-host/src/project-root.js";
import type { SimContract } from "../../azure-sim/src/contract.js";
import { simContract } from "../../azure-sim/src/contract.js";
import { READ_PERMISSIONS } from "../../azure-sim/src/model.js";
import { CONNECTOR_APP } from "../../azure-sim/src/seed.js";
import type { SimulatedAzure } from "../../azure-sim/src/server.js";
import { startAzuriteProcess } from "./fleet-azurite.js";
import { fleetTenants, SMALL_MAX_USERS, SMALL_MIN_USERS } from "./fleet-spec.js";
import type { FleetHostMessage, FleetJob, FleetReport } from "./fleet-types.js";

/** The shared throttling budget (src/graph/budget), on as in Azure or off for a comparison run (`--throttle-budget off`). */
const budgetEnv = (on: boolean): Record<string, string> => ({ GRAPH_BUDGET_ENABLED: on ? "true" : "false" });

export interface FleetOptions {
  readonly tenants: number;
  readonly latencyMs: number;
  readonly seed: number;
  readonly throttleBudget: boolean;
  readonly timeoutMs?: number;
}

/** The service's settings for the host process: the simulated Azure and Azurite, tables of its own. */
export function fleetHostEnv(sim: SimContract, tableConnectionString: string, tablePrefix: string, caCertFile: string, budget: boolean): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_EXTRA_CA_CERTS: caCertFile,
    AzureWebJobsStorage: tableConnectionString,
    KEY_VAULT_URL: sim.keyVaultUrl,
    AZURE_CLIENT_ID: sim.service.identity.clientId,
    SERVICE_TENANT_ID: sim.service.tenantId,
    SERVICE_CLIENT_SECRET: sim.service.identity.clientSecret,
    SERVICE_AUTHORITY_HOST: sim.authorityHost,
    API_AUDIENCE: sim.service.apiAudience,
    API_ISSUER: `${sim.authorityHost}/${sim.service.tenantId}/v2.0`,
    API_JWKS_URI: `${sim.authorityHost}/${sim.service.tenantId}/discovery/v2.0/keys`,
    CLOUD_AUTHORITY_HOST_OVERRIDE: sim.authorityHost,
    CLOUD_GRAPH_BASE_URL_OVERRIDE: sim.graphBaseUrl,
    TABLE_PREFIX: tablePrefix,
    ...budgetEnv(budget),
  };
}

/** host.json's maxConcurrentActivityFunctions: what one Function App instance runs at once. */
export function hostActivityLimit(): number {
  const hostJson = JSON.parse(readFileSync(join(PROJECT_ROOT, "host.json"), "utf8")) as { extensions?: { durableTask?: { maxConcurrentActivityFunctions?: number } } };
  return hostJson.extensions?.durableTask?.maxConcurrentActivityFunctions ?? 10;
}

/** Runs the host process on one job and returns its report. */
export function spawnFleetHost(job: FleetJob, env: NodeJS.ProcessEnv): Promise<Extract<FleetHostMessage, { ok: true }>["report"]> {
  const tsx = import.meta.resolve("tsx");
  // BENCH_CPU_PROFILE_DIR: a V8 CPU profile of the host process goes there, as for the bench workers.
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, ["--expose-gc", "--max-old-space-size=8192", ...profile, "--import", tsx, join(import.meta.dirname, "fleet-host.ts")], { stdio: ["ignore", 2, "inherit", "ipc"], env });
  return new Promise((resolve, reject) => {
    let answer: FleetHostMessage | undefined;
    child.on("message", (m: FleetHostMessage) => {
      answer = m;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (answer?.ok) resolve(answer.report);
      else reject(new Error(answer && !answer.ok ? answer.error : `fleet host exited with ${code ?? signal}`));
    });
    child.send(job);
  });
}

/** A fresh multi-tenant app's client secret (Entra's 40-character format). */
const newSecretText = (): string => randomBytes(30).toString("base64url").slice(0, 40);

export async function runFleet(sim: SimulatedAzure, caCertFile: string, opts: FleetOptions, log: (m: string) => void): Promise<FleetReport> {
  const specs = fleetTenants(opts.tenants, opts.seed);
  const clientId = randomUUID();
  const clientSecret = newSecretText();
  const t0 = performance.now();
  const tenantIds = specs.map((s, i) => {
    const t = sim.registry.addTenant({
      displayName: `Fleet ${i + 1}${s.large ? " (large)" : ""}`,
      domain: `fleet-${i + 1}-${process.pid}.onmicrosoft.com`,
      spec: s.spec,
      apps: [{ displayName: CONNECTOR_APP, clientId, secretText: clientSecret, grantedPermissions: [...READ_PERMISSIONS] }],
    });
    return t.tenantId;
  });
  const users = specs.reduce((n, s) => n + s.users, 0);
  log(`fleet: ${specs.length} tenants (${users} users) in the simulator in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const azurite = await startAzuriteProcess();
  let report: Awaited<ReturnType<typeof spawnFleetHost>>;
  let simulatorCpuSeconds: number;
  let tablesCpuSeconds: number;
  try {
    const env = fleetHostEnv(simContract(sim, caCertFile), azurite.connectionString, `fleet${Date.now().toString(36)}`, caCertFile, opts.throttleBudget);
    const maxConcurrentActivities = hostActivityLimit();
    const job: FleetJob = { graphBaseUrl: sim.graphBaseUrl, tenantIds, clientId, clientSecret, latencyMs: opts.latencyMs, maxConcurrentActivities, timeoutMs: opts.timeoutMs ?? 3_600_000 };
    const cpu0 = process.cpuUsage();
    report = await spawnFleetHost(job, env);
    const cpu = process.cpuUsage(cpu0);
    simulatorCpuSeconds = Math.round((cpu.user + cpu.system) / 1e4) / 100;
  } finally {
    tablesCpuSeconds = Math.round((await azurite.stop()) * 100) / 100;
  }
  const small = specs.filter((s) => !s.large).map((s) => s.users);
  return {
    ...report,
    users: { total: users, smallMin: small.length ? Math.min(...small) : SMALL_MIN_USERS, smallMax: small.length ? Math.max(...small) : SMALL_MAX_USERS, large: specs.filter((s) => s.large).map((s) => s.users) },
    throttleBudget: opts.throttleBudget ? "on" : "off",
    tables: "azurite",
    simulatorCpuSeconds,
    tablesCpuSeconds,
  };
}
