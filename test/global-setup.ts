import type {} from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startAzurite } from "../packages/local-host/src/azurite.js";
import { generateCertificates } from "../packages/azure-sim/src/certs.js";
import { simContract, type SimContract } from "../packages/azure-sim/src/contract.js";
import { startSimulatedAzure } from "../packages/azure-sim/src/server.js";

declare module "vitest" {
  export interface ProvidedContext {
    sim: SimContract;
    tableUrl: string;
    tableConnectionString: string;
  }
}

/** One Azurite and one simulated Azure for the whole run; tests create their own tables and tenants. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), "entra-sync-test-"));
  const certs = generateCertificates(dir);
  // Read by each forked worker at start: the simulated Azure's CA becomes trusted there.
  process.env.NODE_EXTRA_CA_CERTS = certs.caCertFile;
  const [azurite, sim] = await Promise.all([startAzurite(), startSimulatedAzure({ certs })]);
  project.provide("sim", simContract(sim, certs.caCertFile));
  project.provide("tableUrl", azurite.tableUrl);
  project.provide("tableConnectionString", azurite.connectionString);
  return async () => {
    await Promise.all([sim.stop(), azurite.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
}
