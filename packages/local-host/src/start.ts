import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generateCertificates } from "../../azure-sim/src/certs.js";
import { CERT_DIR } from "./paths.js";

/**
 * `npm start`. NODE_EXTRA_CA_CERTS is read only when a process starts, so
 * this launcher makes the certificates first and runs the runtime as a child
 * that trusts them from its first instruction.
 */
function localSettings(): Record<string, string> {
  const file = join(process.cwd(), "local.settings.json");
  if (!existsSync(file)) return {};
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> };
  return parsed.Values ?? {};
}

// Real environment variables win over local.settings.json, as with the Functions host.
const env: NodeJS.ProcessEnv = { ...localSettings(), ...process.env };
const embedded = !env.AzureWebJobsStorage && !env.AzureWebJobsStorage__tableServiceUri && !env.KEY_VAULT_URL;
if (embedded) {
  const certs = generateCertificates(CERT_DIR);
  env.NODE_EXTRA_CA_CERTS = certs.caCertFile;
  env.LOCAL_EMBEDDED_CERT_DIR = CERT_DIR;
}

// Resolved here so the runtime starts from any working directory.
const tsx = import.meta.resolve("tsx");
const child = spawn(process.execPath, ["--import", tsx, join(import.meta.dirname, "runtime.ts")], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
