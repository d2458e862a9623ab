import "./worker/core.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { getConfig } from "../../../src/config/config.js";
import { logText } from "../../../src/monitoring/log-text.js";
import type { RunSummary } from "../../../src/orchestration/contract.js";
import { ORCHESTRATOR } from "../../../src/orchestration/contract.js";
import { getServices } from "../../../src/services.js";
import { registerDemoTenant } from "./bootstrap.js";
import { startEmbeddedAzure, type EmbeddedAzure } from "./embedded.js";
import { startLocalHost } from "./host/host.js";
import { loadApp } from "./host/load.js";
import { DEV_JSON, LOCAL_DIR, SIM_JSON } from "./paths.js";
import { formatRun } from "./run-report.js";
import { setLogSink } from "./worker/core.js";
import { PROJECT_ROOT } from "./project-root.js";
import { portalSettings, startPortal } from "./portal-start.js";

/**
 * The local runtime: the Functions host in one process. It loads the app's
 * entry points (package.json main) through the worker contract and serves
 * only what they registered: the API's HTTP functions, the timers, the
 * orchestrations and activities, and the Durable HTTP API.
 */
const PORT = Number(process.env.LOCAL_API_PORT ?? 7071);
const DEV_TOKEN_TTL_SECONDS = 24 * 3600;

// Escaped: a displayName or Graph message in a line cannot start another line or carry ANSI codes.
const print = (level: string, line: string): void => {
  (level === "error" || level === "warning" || level === "warn" ? console.error : console.log)(`[${level}] ${logText(line)}`);
};
setLogSink((level, _category, message) => {
  if (level !== "trace" && level !== "debug") print(level, message);
});

let embedded: EmbeddedAzure | undefined;
const certDir = process.env.LOCAL_EMBEDDED_CERT_DIR;
if (certDir) {
  embedded = await startEmbeddedAzure(certDir);
  Object.assign(process.env, embedded.env);
  console.log(`embedded default: Azurite ${embedded.azurite.tableUrl}, simulated Azure ${embedded.sim.authorityHost} (contract ${SIM_JSON})`);
}

// The simulator posts change notifications to this host on loopback (a port picked at bind time is not known here) (the only plain-http URL it takes, as real Graph never reaches one).
if (!process.env.PUBLIC_BASE_URL && PORT !== 0) process.env.NOTIFICATION_URL ??= `http://127.0.0.1:${PORT}/api/notifications/graph`;

// Fails here, naming the variable, when a setting is missing or bad.
const config = getConfig();
process.env.SYNC_TIMER_SCHEDULE ??= config.syncTimerSchedule;
const services = getServices();
await services.ready();

// The portal (a browser client) is served when there is one to sign in to; it calls the API cross-origin.
const portalSetup = portalSettings(embedded);
const portal = portalSetup ? await startPortal(portalSetup, () => host.apiBaseUrl) : null;
if (portal && embedded) embedded.sim.entra.spa.registerRedirect(`${portal.url}/`);

const functions = await loadApp(PROJECT_ROOT);
const nameOf = async (tenantId: string): Promise<string> => (await services.tenants.get(tenantId))?.value.displayName ?? tenantId;
const host = await startLocalHost({
  functions,
  port: PORT,
  corsOrigins: portal ? [portal.url] : [],
  log: (level, msg) => print(level, msg),
  onFinished: (s) => {
    if (s.name !== ORCHESTRATOR) return;
    const tenantId = s.instanceId.replace(/^sync-/, "");
    const summary = s.runtimeStatus === "Completed" ? (s.output as RunSummary) : undefined;
    void nameOf(tenantId).then((name) => console.log(formatRun(name, summary, `${s.runtimeStatus}: ${JSON.stringify(s.output)}`, s.lastUpdatedTime.getTime() - s.createdTime.getTime())));
  },
});

let adminToken: string | null = null;
let readerToken: string | null = null;
if (embedded) {
  const { sim, contract } = embedded;
  const mint = (clientId: string, role: string) =>
    sim.entra.mint({ tenantId: contract.service.tenantId, audience: contract.service.apiAudience, appId: clientId, roles: [role], ttlSeconds: DEV_TOKEN_TTL_SECONDS });
  adminToken = await mint(contract.service.admin.clientId, "Sync.Admin");
  readerToken = await mint(contract.service.reader.clientId, "Sync.Reader");
  const demoId = await registerDemoTenant(services, contract);
  if (demoId) {
    console.log(`registered the demo tenant ${logText(contract.tenants[0]?.displayName ?? "")} (${demoId}); first sync starting`);
    // Sync Now through the registered HTTP function, as a portal would call it.
    const res = await fetch(`${host.apiBaseUrl}/tenants/${demoId}/sync`, { method: "POST", headers: { authorization: `Bearer ${adminToken}`, "x-functions-key": host.functionKey } });
    if (res.status !== 202) console.error(`[error] the first sync did not start: ${res.status} ${await res.text()}`);
  }
}
mkdirSync(LOCAL_DIR, { recursive: true });
writeFileSync(
  DEV_JSON,
  JSON.stringify(
    {
      apiBaseUrl: host.apiBaseUrl,
      functionKey: host.functionKey,
      durableApiBaseUrl: `${host.origin}/runtime/webhooks/durabletask`,
      durableTaskKey: host.durableTaskKey,
      adminToken,
      readerToken,
      sim: embedded ? SIM_JSON : null,
      portalUrl: portal?.url ?? null,
      // Local only: lets tests and tools read the store directly.
      storage: embedded ? { connectionString: embedded.azurite.connectionString, tablePrefix: config.tablePrefix } : null,
    },
    null,
    2,
  ) + "\n",
  { mode: 0o600 },
);
console.log(`API listening on ${host.apiBaseUrl} (health: ${host.apiBaseUrl}/health); keys and tokens in ${DEV_JSON}`);
if (portal) console.log(`portal on ${portal.url}`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("stopping…");
  await host.stop();
  await portal?.stop();
  await embedded?.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
