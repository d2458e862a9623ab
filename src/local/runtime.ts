import { mkdirSync, writeFileSync } from "node:fs";
import type { LogHandler } from "@azure/functions";
import { routes } from "../api/routes.js";
import { getConfig } from "../config/config.js";
import { startEmbeddedAzure, type EmbeddedAzure } from "./embedded.js";
import { serveRoutes } from "./http-host.js";
import { DEV_JSON, LOCAL_DIR, SIM_JSON } from "./paths.js";

/** The local runtime: what the Functions host does in Azure, in one process. */
const PORT = Number(process.env.LOCAL_API_PORT ?? 7071);
const DEV_TOKEN_TTL_SECONDS = 24 * 3600;

const log: LogHandler = (level, ...args) => {
  if (level === "trace" || level === "debug") return;
  const line = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
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
getConfig();
const host = await serveRoutes(routes, PORT, log);

let adminToken: string | null = null;
let readerToken: string | null = null;
if (embedded) {
  const { sim, contract } = embedded;
  const mint = (clientId: string, role: string) =>
    sim.entra.mint({ tenantId: contract.service.tenantId, audience: contract.service.apiAudience, appId: clientId, roles: [role], ttlSeconds: DEV_TOKEN_TTL_SECONDS });
  adminToken = await mint(contract.service.admin.clientId, "Sync.Admin");
  readerToken = await mint(contract.service.reader.clientId, "Sync.Reader");
}
mkdirSync(LOCAL_DIR, { recursive: true });
writeFileSync(DEV_JSON, JSON.stringify({ apiBaseUrl: host.baseUrl, adminToken, readerToken, sim: embedded ? SIM_JSON : null }, null, 2) + "\n", { mode: 0o600 });
console.log(`API listening on ${host.baseUrl} (health: ${host.baseUrl}/health); tokens in ${DEV_JSON}`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("stopping…");
  await host.stop();
  await embedded?.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
