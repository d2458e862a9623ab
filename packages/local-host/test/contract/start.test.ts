import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { envWithoutAzure, exitOf, startTs, waitForFile } from "../../../../test/support/processes.js";

describe("npm start with no Azure settings", () => {
  const cwd = mkdtempSync(join(tmpdir(), "start-"));
  // Regression: with the default portal port (7072) two npm starts in parallel test workers failed with EADDRINUSE.
  const runtime = startTs("packages/local-host/src/start.ts", cwd, envWithoutAzure({ LOCAL_API_PORT: "0", LOCAL_PORTAL_PORT: "0" }));
  afterAll(() => {
    if (runtime.exitCode === null) runtime.kill("SIGKILL");
    rmSync(cwd, { recursive: true, force: true });
  });

  it("starts the embedded default, writes dev.json, serves the registered functions and the Durable HTTP API, and stops on SIGINT", async () => {
    const devFile = join(cwd, ".local", "dev.json");
    await waitForFile(devFile, runtime, 180_000);
    const dev = JSON.parse(readFileSync(devFile, "utf8")) as {
      apiBaseUrl: string;
      functionKey: string;
      durableApiBaseUrl: string;
      durableTaskKey: string;
      adminToken: string;
      readerToken: string;
      sim: string;
      portalUrl: string;
    };
    expect(dev.sim).toBe(join(cwd, ".local", "sim.json"));
    expect(dev.adminToken.split(".")).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(dev.adminToken.split(".")[1]!, "base64url").toString()) as { exp: number; roles: string[] };
    expect(claims.roles).toEqual(["Sync.Admin"]);
    expect(claims.exp * 1000 - Date.now()).toBeGreaterThan(12 * 3600 * 1000);
    const health = await fetch(`${dev.apiBaseUrl}/health`);
    expect(health.status).toBe(200);
    // No function has that route: the host's bare 404.
    const missing = await fetch(`${dev.apiBaseUrl}/no-such-route`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("");
    const auth = { authorization: `Bearer ${dev.adminToken}` };
    // The embedded default serves the portal, a browser client: API_AUTH_LEVEL is anonymous and the bearer token the only gate.
    expect((await fetch(`${dev.apiBaseUrl}/tenants`)).status).toBe(401);
    expect((await fetch(`${dev.apiBaseUrl}/tenants`, { headers: auth })).status).toBe(200);
    const portal = await fetch(dev.portalUrl);
    expect(portal.status).toBe(200);
    expect(await portal.text()).toContain('<div id="root"></div>');
    // CORS: the portal's origin only.
    const preflight = (origin: string) => fetch(`${dev.apiBaseUrl}/tenants`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" } });
    expect((await preflight(dev.portalUrl)).headers.get("access-control-allow-origin")).toBe(dev.portalUrl);
    expect((await preflight("http://elsewhere.example")).headers.get("access-control-allow-origin")).toBeNull();
    // The demo tenant's first run, through the Durable HTTP API.
    const demo = (JSON.parse(readFileSync(dev.sim, "utf8")) as { tenants: { tenantId: string }[] }).tenants[0]!.tenantId;
    const status = await fetch(`${dev.durableApiBaseUrl}/instances/sync-${demo}?code=${encodeURIComponent(dev.durableTaskKey)}`);
    expect([200, 202]).toContain(status.status);
    const body = (await status.json()) as { runtimeStatus: string; customStatus: { phase: string } | null };
    expect(["Pending", "Running", "Completed"]).toContain(body.runtimeStatus);
    expect(body.runtimeStatus === "Pending" || body.customStatus !== null).toBe(true);
    expect((await fetch(`${dev.durableApiBaseUrl}/instances/sync-${demo}`)).status).toBe(401);
    runtime.kill("SIGINT");
    expect(await exitOf(runtime)).toBe(0);
    // The first start on a fresh clone builds the portal too.
  }, 240_000);
});
