import { mkdirSync, writeFileSync } from "node:fs";
import type { LogHandler } from "@azure/functions";
import { TokenValidator } from "../api/auth.js";
import { dispatch } from "../api/dispatch.js";
import type { ApiDeps } from "../api/route.js";
import { routes } from "../api/routes.js";
import { getConfig } from "../config/config.js";
import { checkCredentialExpiry } from "../monitoring/expiry-monitor.js";
import { logText } from "../monitoring/log-text.js";
import { tick } from "../orchestration/scheduler.js";
import { startRun } from "../orchestration/start-run.js";
import { getServices } from "../services.js";
import { registerDemoTenant } from "./bootstrap.js";
import { startEmbeddedAzure, type EmbeddedAzure } from "./embedded.js";
import { serveRoutes } from "./http-host.js";
import { OrchestrationHost } from "./orchestration-host.js";
import { DEV_JSON, LOCAL_DIR, SIM_JSON } from "./paths.js";
import { startTimer } from "./timer.js";

/** The local runtime: what the Functions host does in Azure, in one process. */
const PORT = Number(process.env.LOCAL_API_PORT ?? 7071);
const DEV_TOKEN_TTL_SECONDS = 24 * 3600;

const log: LogHandler = (level, ...args) => {
  if (level === "trace" || level === "debug") return;
  // Escaped: a displayName or Graph message in a line cannot start another line or carry ANSI codes.
  const line = args.map((a) => (typeof a === "string" ? logText(a) : logText(JSON.stringify(a) ?? String(a)))).join(" ");
  (level === "error" || level === "warning" ? console.error : console.log)(`[${level}] ${line}`);
};

let embedded: EmbeddedAzure | undefined;
const certDir = process.env.LOCAL_EMBEDDED_CERT_DIR;
if (certDir) {
  embedded = await startEmbeddedAzure(certDir);
  Object.assign(process.env, embedded.env);
  console.log(`embedded default: Azurite ${embedded.azurite.tableUrl}, simulated Azure ${embedded.sim.authorityHost} (contract ${SIM_JSON})`);
}

// Fails here, naming the variable, when a setting is missing or bad.
const config = getConfig();
const services = getServices();
await services.ready();
const orchestration = new OrchestrationHost(
  (line) => console.log(line),
  (level, msg) => log(level === "warn" ? "warning" : level === "error" ? "error" : "information", msg),
);
const tokens = new TokenValidator(config.api);
const deps: ApiDeps = { services, orchestration: orchestration.client };
const host = await serveRoutes(routes, PORT, log, (r) => dispatch(r, () => deps, () => tokens));

const nameOf = async (tenantId: string): Promise<string> => (await services.tenants.get(tenantId))?.value.displayName ?? tenantId;
const timer = startTimer(
  config.syncTimerSchedule,
  async () => {
    for (const [tenantId, result] of await tick(orchestration.client, services.tenants)) orchestration.watch(await nameOf(tenantId), result);
  },
  (err) => log("error", "sync timer failed", err instanceof Error ? err.message : String(err)),
);

// The daily credential check, as credentialExpiryTimer runs it in Azure.
const expiryTimer = startTimer(
  "0 0 6 * * *",
  async () => {
    await checkCredentialExpiry(services, (line) => console.log(`[monitor] ${logText(line)}`));
  },
  (err) => log("error", "credential expiry check failed", err instanceof Error ? err.name : "error"),
);

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
    orchestration.watch(await nameOf(demoId), await startRun(orchestration.client, services.tenants, demoId, "manual", "live"));
  }
}
mkdirSync(LOCAL_DIR, { recursive: true });
writeFileSync(
  DEV_JSON,
  JSON.stringify(
    {
      apiBaseUrl: host.baseUrl,
      adminToken,
      readerToken,
      sim: embedded ? SIM_JSON : null,
      // Local only: lets tests and tools read the store directly.
      storage: embedded ? { connectionString: embedded.azurite.connectionString, tablePrefix: config.tablePrefix } : null,
    },
    null,
    2,
  ) + "\n",
  { mode: 0o600 },
);
console.log(`API listening on ${host.baseUrl} (health: ${host.baseUrl}/health); tokens in ${DEV_JSON}`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("stopping…");
  timer.stop();
  expiryTimer.stop();
  await host.stop();
  // Streams checkpoint after every page, so an activity cut short loses nothing: wait a little, not for it.
  await Promise.race([orchestration.stop(), new Promise((r) => setTimeout(r, 5_000))]);
  await embedded?.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
