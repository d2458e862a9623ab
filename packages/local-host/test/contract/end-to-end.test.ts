import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { SimContract } from "../../../azure-sim/src/contract.js";
import { Tables } from "../../../../src/store/tables.js";
import { TenantStore, type TenantRecord } from "../../../../src/store/tenant-store.js";
import { syncStores } from "../../../../src/sync/stores.js";
import { httpsJson } from "../../../../test/support/https-json.js";
import { envWithoutAzure, exitOf, startTs, waitForFile } from "../../../../test/support/processes.js";
import { expectedCounts, expectedLinkCounts, type AppliedLink } from "../../../../test/support/mutations.js";
import { expectEqualToTruth } from "../../../../test/support/sync.js";

interface Dev {
  apiBaseUrl: string;
  sim: string;
  storage: { connectionString: string; tablePrefix: string };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("npm start end to end", () => {
  const cwd = mkdtempSync(join(tmpdir(), "e2e-"));
  // The timer ticks every 2 s here; in Azure it is every 5 minutes.
  // Regression: with the default portal port (7072) two npm starts in parallel test workers failed with EADDRINUSE.
  const runtime = startTs("packages/local-host/src/start.ts", cwd, envWithoutAzure({ LOCAL_API_PORT: "0", LOCAL_PORTAL_PORT: "0", SYNC_TIMER_SCHEDULE: "*/2 * * * * *" }));
  afterAll(async () => {
    if (runtime.exitCode === null) {
      runtime.kill("SIGINT");
      await exitOf(runtime).catch(() => runtime.kill("SIGKILL"));
    }
    rmSync(cwd, { recursive: true, force: true });
  });

  // A whole runtime in a child process and two runs: more than the default test timeout on a loaded machine.
  it("syncs the demo tenant to its ground truth, then applies exactly the mutations on the next scheduled run", { timeout: 480_000 }, async () => {
    await waitForFile(join(cwd, ".local", "dev.json"), runtime, 90_000);
    const dev = JSON.parse(readFileSync(join(cwd, ".local", "dev.json"), "utf8")) as Dev;
    const sim = JSON.parse(readFileSync(dev.sim, "utf8")) as SimContract;
    const ca = readFileSync(sim.caCertFile);
    const truthOf = <T>(path: string) => httpsJson<T>(`${sim.graphBaseUrl}${path}`, ca);
    const tables = new Tables({ kind: "connectionString", connectionString: dev.storage.connectionString }, dev.storage.tablePrefix);
    const tenants = new TenantStore(tables.client("Tenants"));
    const demo = sim.tenants[0]!;

    const first = await until(
      "the first sync",
      async () => {
        const t = (await tenants.get(demo.tenantId))?.value;
        return t?.lastSyncStatus ? t : undefined;
      },
      // npm start builds the portal first on a fresh clone, and the first sync now covers 17 streams.
      240_000,
    );
    expect(first.lastSyncStatus).toBe("succeeded");
    const stores = syncStores(tables, demo.tenantId);
    await expectEqualToTruth({ tenantId: demo.tenantId, stores }, undefined, undefined, truthOf);

    const mutation = await httpsJson<{ applied: AppliedLink[] }>(`${sim.graphBaseUrl}/_sim/${demo.tenantId}/mutations`, ca, "POST", { seed: 42, count: 25 });
    // The interval passes: the tenant becomes due and the 2-second timer picks it up.
    await tenants.update(demo.tenantId, (t) => ({ ...t, nextRunAt: new Date(Date.now() - 1000).toISOString() }));
    const second = await until(
      "the scheduled run",
      async () => {
        const t: TenantRecord | undefined = (await tenants.get(demo.tenantId))?.value;
        return t && t.lastRunId !== first.lastRunId && t.lastSyncEnd && t.lastSyncEnd > (first.lastSyncEnd ?? "") ? t : undefined;
      },
      120_000,
    );
    expect(second).toMatchObject({ lastTrigger: "schedule", lastSyncStatus: "succeeded" });
    await expectEqualToTruth({ tenantId: demo.tenantId, stores }, undefined, undefined, truthOf);
    const rows = [];
    for await (const r of stores.history.list(demo.tenantId)) if (r.runId === second.lastRunId) rows.push(r);
    for (const type of ["users", "groups", "devices"]) {
      const record = rows.find((r) => r.type === type)!;
      expect({ changed: record.changed, deleted: record.deleted }, type).toEqual(expectedCounts(mutation.applied, type));
    }
    const links = rows.find((r) => r.type === "memberships")!;
    expect({ changed: links.changed, deleted: links.deleted }, "memberships").toEqual(expectedLinkCounts(mutation.applied));

    runtime.kill("SIGINT");
    expect(await exitOf(runtime, 30_000)).toBe(0);
  });
});
