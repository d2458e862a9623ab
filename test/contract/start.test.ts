import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { envWithoutAzure, exitOf, startTs, waitForFile } from "../support/processes.js";

describe("npm start with no Azure settings", () => {
  const cwd = mkdtempSync(join(tmpdir(), "start-"));
  const runtime = startTs("src/local/start.ts", cwd, envWithoutAzure({ LOCAL_API_PORT: "0" }));
  afterAll(async () => {
    if (runtime.exitCode === null) runtime.kill("SIGKILL");
    rmSync(cwd, { recursive: true, force: true });
  });

  it("starts the embedded default, writes dev.json, answers health, and stops on SIGINT", async () => {
    const devFile = join(cwd, ".local", "dev.json");
    await waitForFile(devFile, runtime, 90_000);
    const dev = JSON.parse(readFileSync(devFile, "utf8")) as { apiBaseUrl: string; adminToken: string; readerToken: string; sim: string };
    expect(dev.sim).toBe(join(cwd, ".local", "sim.json"));
    expect(dev.adminToken.split(".")).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(dev.adminToken.split(".")[1]!, "base64url").toString()) as { exp: number; roles: string[] };
    expect(claims.roles).toEqual(["Sync.Admin"]);
    expect(claims.exp * 1000 - Date.now()).toBeGreaterThan(12 * 3600 * 1000);
    const health = await fetch(`${dev.apiBaseUrl}/health`);
    expect(health.status).toBe(200);
    const missing = await fetch(`${dev.apiBaseUrl}/no-such-route`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "NotFound" } });
    runtime.kill("SIGINT");
    expect(await exitOf(runtime)).toBe(0);
  });
});
