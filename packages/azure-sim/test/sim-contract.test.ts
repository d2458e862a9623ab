import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { SimContract } from "../src/contract.js";
import { OBJECT_TYPES } from "../src/model.js";
import { envWithoutAzure, exitOf, PROJECT_ROOT, startTs, waitForFile } from "../../../test/support/processes.js";

const run = promisify(execFile);

describe("npm run sim: the .local/sim.json contract", () => {
  const cwd = mkdtempSync(join(tmpdir(), "sim-contract-"));
  const sim = startTs("packages/azure-sim/src/sim-main.ts", cwd, envWithoutAzure());
  afterAll(async () => {
    sim.kill("SIGINT");
    await exitOf(sim);
    rmSync(cwd, { recursive: true, force: true });
  });

  it("lets an outside client get a token per tenant and page users to exactly counts.users", async () => {
    const file = join(cwd, ".local", "sim.json");
    await waitForFile(file, sim);
    const contract = JSON.parse(readFileSync(file, "utf8")) as SimContract;
    expect(contract.tenants.length).toBeGreaterThanOrEqual(3);
    // Every kind under its type name, the new ones and the link kinds included.
    expect(Object.keys(contract.tenants[0]!.counts).sort()).toEqual([...OBJECT_TYPES].sort());
    const { stdout } = await run(process.execPath, [join(PROJECT_ROOT, "packages/azure-sim/test/fixtures/outside-client.mjs"), file], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: contract.caCertFile },
      maxBuffer: 1 << 20,
    });
    const results = JSON.parse(stdout) as Array<{ tenantId: string; token: boolean; users: number; deltaLink: boolean }>;
    expect(results.map((r) => r.tenantId)).toEqual(contract.tenants.map((t) => t.tenantId));
    for (const [i, r] of results.entries()) {
      expect(r.token).toBe(true);
      expect(r.deltaLink).toBe(true);
      expect(r.users).toBe(contract.tenants[i]!.counts.users);
    }
  });
});
