import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { READ_PERMISSIONS } from "../../azure-sim/src/model.js";
import { fleetHostEnv, hostActivityLimit, spawnFleetHost } from "../src/fleet.js";
import type { FleetJob } from "../src/fleet-types.js";
import { simPost } from "../../../test/support/sim.js";
import { uniqueTableName } from "../../../test/support/tables.js";

/** A tiny fleet: five tenants of the global simulator, all consented to one multi-tenant app. */
async function fleetOf(n: number): Promise<Omit<FleetJob, "timeoutMs" | "latencyMs" | "maxConcurrentActivities" | "graphBaseUrl">> {
  const clientId = randomUUID();
  const clientSecret = randomBytes(30).toString("base64url").slice(0, 40);
  const tenantIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `fleet${process.pid}x${i}x${Date.now().toString(36)}`;
    const t = (await simPost("/_sim/tenants", {
      displayName: `Fleet ${name}`,
      domain: `${name}.onmicrosoft.com`,
      spec: { seed: i, users: 50 + i * 10, groups: 5 },
      apps: [{ displayName: "Entra Sync Connector", clientId, secretText: clientSecret, grantedPermissions: [...READ_PERMISSIONS] }],
    })) as { tenantId: string; apps: { clientId: string; clientSecrets: string[] }[] };
    expect(t.apps[0]).toEqual(expect.objectContaining({ clientId, clientSecrets: [clientSecret] }));
    tenantIds.push(t.tenantId);
  }
  return { tenantIds, clientId, clientSecret };
}

describe("bench fleet run", () => {
  it(
    "starts one orchestration per tenant from one tick, none from a second tick while they run, and counts a later re-run as a duplicate",
    async () => {
      const sim = inject("sim");
      const fleet = await fleetOf(5);
      const env = fleetHostEnv(sim, inject("tableConnectionString"), uniqueTableName("fleet"), sim.caCertFile, false);
      const report = await spawnFleetHost({ ...fleet, graphBaseUrl: sim.graphBaseUrl, latencyMs: 0, maxConcurrentActivities: hostActivityLimit(), timeoutMs: 240_000, dueAgainAfterRuns: true }, env);
      expect(report.tenants).toBe(5);
      expect(report.orchestrationsStarted).toBe(5);
      expect(report.secondTickStarted).toBe(0);
      expect(report.completed).toBe(5);
      expect(report.notFinished).toBe(0);
      // Each tenant ran once in the measured span and once more after it was made due again: five extra runs, seen both in the
      // Durable backend's instances and in the service's run history.
      expect(report.duplicateRuns).toBe(5);
      expect(report.duplicateRunsByHistory).toBe(5);
      expect(report.graphRequests).toBeGreaterThan(5 * 10);
      expect(report.tickSeconds).toBeGreaterThan(0);
      expect(report.wallSeconds).toBeGreaterThanOrEqual(report.tickSeconds);
    },
    // A fresh host process loads the app (tsx) and runs 5 × 2 syncs of 21 streams; on a loaded 2-core machine that takes minutes.
    400_000,
  );
});
