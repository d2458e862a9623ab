import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { SimContract } from "../../azure-sim/src/contract.js";
import { HistoryStore } from "../../../src/store/history-store.js";
import { Tables } from "../../../src/store/tables.js";
import { envWithoutAzure, exitOf, PROJECT_ROOT, startTs, waitForFile } from "../../../test/support/processes.js";

/**
 * The portal in a real browser (Debian's Chromium, headless) against one
 * `npm start` of its own: the built portal, MSAL's auth code + PKCE against
 * the simulated Entra, and the API cross-origin.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FAILURES = join(PROJECT_ROOT, ".local", "portal-failures");
const DOCS = join(PROJECT_ROOT, "docs");

interface Dev {
  readonly apiBaseUrl: string;
  readonly portalUrl: string;
  readonly readerToken: string;
  readonly sim: string;
  readonly storage: { readonly connectionString: string; readonly tablePrefix: string };
}

describe("the admin portal in Chromium", () => {
  const cwd = mkdtempSync(join(tmpdir(), "portal-"));
  // One Sync Now a day, so the second one meets the quota.
  const runtime = startTs("packages/local-host/src/start.ts", cwd, envWithoutAzure({ LOCAL_API_PORT: "0", LOCAL_PORTAL_PORT: "0", SYNC_NOW_DAILY_LIMIT: "1" }));
  let dev: Dev;
  let sim: SimContract;
  let browser: Browser;

  beforeAll(async () => {
    await waitForFile(join(cwd, ".local", "dev.json"), runtime, 240_000);
    dev = JSON.parse(readFileSync(join(cwd, ".local", "dev.json"), "utf8")) as Dev;
    sim = JSON.parse(readFileSync(dev.sim, "utf8")) as SimContract;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (runtime.exitCode === null) {
      runtime.kill("SIGINT");
      await exitOf(runtime).catch(() => runtime.kill("SIGKILL"));
    }
    rmSync(cwd, { recursive: true, force: true });
  });

  /** A fresh browser session signed in as a local account, with a screenshot under .local/ if the test fails. */
  async function signedIn(account: "Local Admin" | "Local Reader", name: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    // The simulated Entra's certificate comes from a CA generated at start: the browser is told to accept it.
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport, acceptDownloads: true });
    // Generous: seven engineers' test runs share two cores.
    ctx.setDefaultTimeout(90_000);
    const page = await ctx.newPage();
    onTestFailed(async () => {
      mkdirSync(FAILURES, { recursive: true });
      await page.screenshot({ path: join(FAILURES, `${name}.png`), fullPage: true }).catch(() => undefined);
    });
    await page.goto(dev.portalUrl);
    await page.getByRole("button", { name: "Sign in" }).click();
    // The account picker: one click, no typing.
    await page.getByRole("link", { name: new RegExp(account) }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor({ timeout: 30_000 });
    return page;
  }

  const demoName = (): string => sim.tenants[0]?.displayName ?? "";

  /** A small tenant on the runtime's own simulator, with Northwind's limited consent, so its sync is quick. */
  async function smallTenant(): Promise<{ domain: string; displayName: string; clientId: string; clientSecret: string }> {
    const name = `portal${Date.now().toString(36)}`;
    const body = JSON.stringify({
      displayName: `Portal test ${name}`,
      domain: `${name}.onmicrosoft.com`,
      spec: { seed: 7, users: 30, groups: 5 },
      apps: [{ displayName: "Entra Sync Connector", grantedPermissions: sim.tenants[2]?.grantedPermissions ?? [] }],
    });
    const created = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(`${sim.graphBaseUrl}/_sim/tenants`, { method: "POST", ca: readFileSync(sim.caCertFile), headers: { "content-type": "application/json" } }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => (res.statusCode === 200 || res.statusCode === 201 ? resolve(text) : reject(new Error(`create tenant: ${res.statusCode} ${text}`))));
      });
      req.on("error", reject);
      req.end(body);
    });
    const t = JSON.parse(created) as { apps: { clientId: string; clientSecrets: string[] }[] };
    const app = t.apps[0];
    if (!app?.clientSecrets[0]) throw new Error("the simulator made no app");
    return { domain: `${name}.onmicrosoft.com`, displayName: `Portal test ${name}`, clientId: app.clientId, clientSecret: app.clientSecrets[0] };
  }

  it("signs an admin in and lists the demo tenant with its last sync and secret expiry", async () => {
    const page = await signedIn("Local Admin", "sign-in");
    await expect.poll(() => page.getByText("Local Admin (admin)").isVisible()).toBe(true);
    const row = page.getByRole("row", { name: new RegExp(demoName().replace(/[()]/g, "\\$&")) });
    await row.waitFor({ timeout: 30_000 });
    // The first sync has started: its start time is shown; the secret has a year left (green).
    await expect.poll(() => row.innerText()).toMatch(/\d{4}, \d{1,2}:\d{2}:\d{2}[\s\S]*\d+ days left/);
    // Once the first run has ended its status shows: the README's screenshot (and a quieter machine for the next tests).
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole("button", { name: "Sign out" }).waitFor();
          return row.innerText();
        },
        { timeout: 420_000, interval: 5000 },
      )
      .toMatch(/succeeded|partial|failed/);
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, "portal-tenants.png") });
    await page.close();
  }, 540_000);

  it("adds a tenant: a wrong secret shows the fix, the right one the missing permissions; then Sync Now until the quota answers", async () => {
    const target = await smallTenant();
    const page = await signedIn("Local Admin", "add-tenant");
    await page.getByRole("button", { name: "Add a tenant" }).click();
    await page.getByLabel("Tenant (GUID or domain)").fill(target.domain);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Application (client) ID").fill(target.clientId);
    await page.getByLabel("Client secret (value)").fill("not-the-secret");
    await page.getByRole("button", { name: "Test connection" }).click();
    const result = page.getByRole("region", { name: "Connection test result" });
    await expect.poll(() => result.innerText(), { timeout: 30_000 }).toMatch(/AADSTS7000215/);
    expect(await result.innerText()).toMatch(/How to fix it: The client secret is wrong/);
    expect(await page.getByRole("button", { name: "Next" }).isDisabled()).toBe(true);

    await page.getByLabel("Client secret (value)").fill(target.clientSecret);
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect.poll(() => result.innerText(), { timeout: 30_000 }).toMatch(/Signed in to/);
    // The app has Northwind's limited consent: each missing permission names what it blocks.
    expect(await result.innerText()).toMatch(/Missing[\s\S]*cannot be synced/);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Schedule").selectOption("none");
    await page.getByRole("button", { name: "Add tenant" }).click();
    await page.getByRole("heading", { name: target.displayName }).waitFor({ timeout: 60_000 });

    await expect.poll(() => page.getByText(/Sync Now left today: 1/).isVisible(), { timeout: 30_000 }).toBe(true);
    await page.getByRole("button", { name: "Sync Now" }).click();
    await page.getByText("Sync started.").waitFor({ timeout: 30_000 });
    // The run ends (the button comes back), then the second Sync Now meets the daily limit.
    await expect.poll(() => page.getByRole("region", { name: "Sync" }).innerText(), { timeout: 180_000, interval: 1000 }).toMatch(/Status: (succeeded|failed|cancelled)/);
    expect(await page.getByText(/Sync Now left today: 0/).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Sync Now" }).isEnabled()).toBe(true);
    await page.getByRole("button", { name: "Sync Now" }).click();
    await expect.poll(() => page.getByRole("alert").innerText(), { timeout: 30_000 }).toMatch(/Sync Now is limited to 1 a day per tenant \(UTC day\)\. Try again after/);
    await page.close();
  }, 300_000);

  it("pages the history 50 rows at a time, searches it, and downloads it as CSV", async () => {
    const demo = sim.tenants[0]!.tenantId;
    // 120 older rows of one run, so the history spans three pages of 50.
    const history = new HistoryStore(new Tables({ kind: "connectionString", connectionString: dev.storage.connectionString }, dev.storage.tablePrefix).client("History"));
    const base = Date.parse("2026-01-01T00:00:00Z");
    for (let i = 0; i < 120; i++) {
      const start = new Date(base + i * 60_000).toISOString();
      await history.add(demo, { runId: `seeded-${i}`, trigger: "schedule", type: "users", startTime: start, endTime: start, total: i, changed: 0, deleted: 0, filtered: 0, status: "succeeded" });
    }
    const page = await signedIn("Local Admin", "history");
    await page.getByRole("link", { name: demoName() }).click();
    await page.getByRole("tab", { name: "History" }).click();
    const rows = page.getByRole("table", { name: "Sync history" }).getByRole("row");
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(51);
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, "portal-history.png") });
    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => page.getByRole("table", { name: "Sync history" }).innerText(), { timeout: 30_000 }).toMatch(/schedule/);
    expect(await rows.count()).toBe(51);
    await page.getByRole("button", { name: "Previous page" }).click();
    await page.getByLabel("Rows per page").selectOption("100");
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(101);

    await page.getByLabel("Search").fill("seeded-7");
    await page.getByRole("button", { name: "Search" }).click();
    // seeded-7 and seeded-70 … seeded-79.
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(12);

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export to CSV" }).click();
    const file = await (await download).path();
    const csv = readFileSync(file, "utf8").trim().split(/\r?\n/);
    expect(csv).toHaveLength(12);
    expect(csv.slice(1).every((l) => l.includes("seeded-7"))).toBe(true);

    // The type filter offers link types too: the demo run's memberships row.
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Type").selectOption("memberships");
    await page.getByRole("button", { name: "Search" }).click();
    const typeCells = page.getByRole("table", { name: "Sync history" }).locator("tbody tr td:nth-child(2)");
    await expect.poll(() => typeCells.allInnerTexts(), { timeout: 30_000 }).toContain("memberships");
    expect(new Set(await typeCells.allInnerTexts())).toEqual(new Set(["memberships"]));
    await page.close();
  }, 180_000);

  it("browses objects with the keyboard: a user's groups come from the memberOf route, nesting included", async () => {
    const demo = sim.tenants[0]!.tenantId;
    const get = async <T,>(path: string): Promise<T> => {
      const res = await fetch(`${dev.apiBaseUrl}/tenants/${demo}${path}`, { headers: { authorization: `Bearer ${dev.readerToken}` } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    };
    // A user in at least one group, found through the API.
    const users = await get<{ items: { id: string; displayName: string }[] }>("/objects/users?pageSize=50");
    let user: { id: string; displayName: string } | undefined;
    let expected: unknown[] = [];
    for (const u of users.items) {
      expected = (await get<{ items: unknown[] }>(`/objects/users/${u.id}/memberOf?transitive=true`)).items;
      if (expected.length > 0) {
        user = u;
        break;
      }
    }
    expect(user, "a demo user with a group").toBeDefined();
    const page = await signedIn("Local Reader", "objects");
    await page.getByRole("link", { name: demoName() }).click();
    await page.getByRole("tab", { name: "Objects" }).click();
    await page.getByLabel("Name starts with").fill(user!.displayName);
    await page.keyboard.press("Enter");
    const link = page.getByRole("table", { name: "Synced users" }).getByRole("button", { name: user!.displayName, exact: true });
    await link.focus();
    await page.keyboard.press("Enter");
    const shown = page.getByLabel("Member of (direct and through nested groups)");
    await expect.poll(async () => JSON.parse((await shown.innerText({ timeout: 30_000 })) || "null") as unknown, { timeout: 30_000 }).toEqual(expected);
    await page.close();
  }, 120_000);

  it("shows a reader no write controls, also on a narrow window, and the API refuses the reader's write anyway", async () => {
    const page = await signedIn("Local Reader", "reader", { width: 390, height: 844 });
    await page.getByText("Local Reader (reader)").waitFor();
    await page.getByRole("link", { name: demoName() }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole("button", { name: "Add a tenant" }).count()).toBe(0);
    await page.getByRole("link", { name: demoName() }).click();
    await page.getByText(/Sync Now left today/).waitFor({ timeout: 30_000 });
    expect(await page.getByRole("button", { name: "Sync Now" }).count()).toBe(0);
    await page.getByRole("tab", { name: "Configuration" }).click();
    expect(await page.getByRole("button", { name: "Save" }).count()).toBe(0);
    // Keyboard: the tabs are reachable and switch with the arrow keys.
    await page.getByRole("tab", { name: "Configuration" }).focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    await page.getByRole("search").waitFor({ timeout: 30_000 });
    const res = await fetch(`${dev.apiBaseUrl}/tenants/${sim.tenants[0]!.tenantId}/sync`, { method: "POST", headers: { authorization: `Bearer ${dev.readerToken}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("Forbidden");
    await page.close();
  }, 120_000);
});
