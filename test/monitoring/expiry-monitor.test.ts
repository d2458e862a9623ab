import { describe, expect, inject, it } from "vitest";
import {
  CREDENTIAL_CRITICAL_DAYS,
  CREDENTIAL_WARNING_DAYS,
  EVENT_CREDENTIAL_EXPIRY,
  parseEvent,
  type CredentialExpiryEvent,
} from "../../src/monitoring/events.js";
import { checkCredentialExpiry, expiryStateOf, type CredentialExpiryReport } from "../../src/monitoring/expiry-monitor.js";
import type { Services } from "../../src/services.js";
import type { CredentialProfile } from "../../src/store/credential-store.js";
import type { TenantRecord } from "../../src/store/tenant-store.js";
import { createTenant } from "../../src/tenants/create-tenant.js";
import { testServices } from "../support/services.js";
import { createSimTenant, simGet, simPost, type CreatedTenant } from "../support/sim.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Every read permission the seeded connector has, Application.Read.All included. */
const allPermissions = (): readonly string[] => inject("sim").tenants[0]!.grantedPermissions;

interface Registered {
  readonly sim: CreatedTenant;
  readonly tenant: TenantRecord;
  readonly clientId: string;
  readonly secrets: readonly string[];
}

/**
 * A simulated tenant whose one app has secrets valid for `secretDaysValid` days,
 * registered through the real add path with secret `use` and the expiry the admin "typed in".
 */
async function register(
  services: Services,
  opts: { secretDaysValid: readonly number[]; use?: number; enteredExpiresOn: number; grantedPermissions?: readonly string[] },
): Promise<Registered> {
  const sim = await createSimTenant({
    spec: { users: 5, groups: 2 },
    secretDaysValid: opts.secretDaysValid,
    grantedPermissions: opts.grantedPermissions ?? allPermissions(),
  });
  const app = sim.apps[0]!;
  const r = await createTenant(services, {
    tenant: sim.tenantId,
    cloud: "global",
    credential: { clientId: app.clientId, clientSecret: app.clientSecrets[opts.use ?? 0]!, secretExpiresOn: iso(opts.enteredExpiresOn) },
  });
  if (r.kind !== "created") throw new Error(`tenant not created: ${JSON.stringify(r)}`);
  expect(r.tenant.credentialId).toBeTruthy();
  return { sim, tenant: r.tenant, clientId: app.clientId, secrets: app.clientSecrets };
}

async function profileOf(services: Services, id: string): Promise<CredentialProfile> {
  const p = await services.credentials.get(id);
  if (!p) throw new Error(`profile ${id} missing`);
  return p.value;
}

/** What an admin's secret rotation does: the new value in Key Vault, its typed-in expiry on the profile. */
async function rotate(services: Services, credentialId: string, secret: string, enteredExpiresOn: number): Promise<void> {
  const cur = await services.credentials.get(credentialId);
  if (!cur) throw new Error(`profile ${credentialId} missing`);
  await services.secrets.put(cur.value.secretName, secret, new Date(enteredExpiresOn));
  expect(await services.credentials.replace({ ...cur.value, secretExpiresOn: iso(enteredExpiresOn) }, cur.etag)).not.toBe(false);
}

interface Run {
  readonly lines: readonly string[];
  readonly report: CredentialExpiryReport;
  /** The parsed EVENT_CREDENTIAL_EXPIRY lines, as the alert queries would read them. */
  readonly events: readonly CredentialExpiryEvent[];
}

async function run(services: Services, now: number): Promise<Run> {
  const lines: string[] = [];
  const report = await checkCredentialExpiry(services, (line) => lines.push(line), () => now);
  const events: CredentialExpiryEvent[] = [];
  for (const line of lines) {
    const e = parseEvent(line);
    if (e?.name === EVENT_CREDENTIAL_EXPIRY) events.push(e.fields as unknown as CredentialExpiryEvent);
  }
  return { lines, report, events };
}

function only(events: readonly CredentialExpiryEvent[], credentialId: string): CredentialExpiryEvent {
  const mine = events.filter((e) => e.credentialId === credentialId);
  expect(mine, `events of ${credentialId}`).toHaveLength(1);
  return mine[0]!;
}

describe("expiryStateOf", () => {
  const now = Date.UTC(2026, 0, 15, 12);
  it("gives ok, warning, critical and expired at the alert thresholds", () => {
    expect([CREDENTIAL_WARNING_DAYS, CREDENTIAL_CRITICAL_DAYS]).toEqual([30, 7]);
    expect(expiryStateOf(iso(now + 31 * DAY), now)).toBe("ok");
    expect(expiryStateOf(iso(now + 30 * DAY + HOUR), now)).toBe("warning");
    expect(expiryStateOf(iso(now + 8 * DAY), now)).toBe("warning");
    expect(expiryStateOf(iso(now + 7 * DAY + HOUR), now)).toBe("critical");
    expect(expiryStateOf(iso(now + 1), now)).toBe("critical");
    expect(expiryStateOf(iso(now - 1), now)).toBe("expired");
    expect(expiryStateOf(iso(now - 40 * DAY), new Date(now))).toBe("expired");
  });

  it("counts an unreadable expiry as expired, never as ok", () => {
    expect(expiryStateOf("not a date", now)).toBe("expired");
  });
});

describe("checkCredentialExpiry", () => {
  it("an app registration whose secrets expire in 40, 20, 5 and -1 days gives ok, warning, critical, expired", async () => {
    const t0 = Date.now();
    const services = await testServices();
    // One app, four secrets. The credential starts on the 40-day secret and is rotated through the others.
    const reg = await register(services, { secretDaysValid: [40, 20, 5, -1], enteredExpiresOn: t0 + 40 * DAY + HOUR });
    const id = reg.tenant.credentialId;
    expect(new Set(reg.secrets.map((s) => s.slice(0, 3))).size, "the four hints are distinct").toBe(4);

    const valid = [
      { secret: 0, days: 40, state: "ok" },
      { secret: 1, days: 20, state: "warning" },
      { secret: 2, days: 5, state: "critical" },
    ] as const;
    for (const c of valid) {
      // Entered an hour after the real expiry: within a day, so no mismatch.
      await rotate(services, id, reg.secrets[c.secret]!, t0 + c.days * DAY + HOUR);
      const r = await run(services, t0);
      // daysLeft is that secret's own endDateTime, picked out of the four by its hint.
      expect(only(r.events, id)).toEqual({
        credentialId: id,
        clientId: reg.clientId,
        tenantIds: [reg.tenant.id],
        daysLeft: c.days,
        source: "graph",
        state: c.state,
        mismatch: false,
      });
      expect(r.report.failed).toEqual([]);
      const p = await profileOf(services, id);
      expect(Date.parse(p.graphExpiresOn ?? "")).toBeGreaterThanOrEqual(t0 + c.days * DAY);
      expect(Date.parse(p.graphExpiresOn ?? "")).toBeLessThan(Date.now() + c.days * DAY);
      expect(p.expiryMismatch).toBe(false);
    }

    // The expired secret cannot sign in (AADSTS7000222), so Graph is out of reach: the
    // entered expiry (a day ago) still produces the expired event the severity-1 alert needs.
    await rotate(services, id, reg.secrets[3]!, t0 - DAY);
    const r = await run(services, t0);
    expect(only(r.events, id)).toEqual({
      credentialId: id,
      clientId: reg.clientId,
      tenantIds: [reg.tenant.id],
      daysLeft: -1,
      source: "entered",
      state: "expired",
      mismatch: false,
    });
    expect(r.lines.some((l) => l.includes(id) && l.includes("AADSTS7000222"))).toBe(true);
    expect(r.report.failed).toEqual([]);
    const p = await profileOf(services, id);
    expect(p.graphExpiresOn).toBeNull();
    expect(p.expiryMismatch).toBe(false);
  });

  it("flags a mismatch when the entered expiry is more than a day from the real one, and uses the real one", async () => {
    const t0 = Date.now();
    const services = await testServices();
    // Real expiry in 60 days; entered: a day in the past, two days early, and half a day late.
    const past = await register(services, { secretDaysValid: [60], enteredExpiresOn: t0 - DAY });
    const early = await register(services, { secretDaysValid: [60], enteredExpiresOn: t0 + 58 * DAY });
    const close = await register(services, { secretDaysValid: [60], enteredExpiresOn: t0 + 60 * DAY + 12 * HOUR });
    const r = await run(services, t0);
    expect(r.events).toHaveLength(3);

    for (const reg of [past, early]) {
      const e = only(r.events, reg.tenant.credentialId);
      expect(e).toMatchObject({ source: "graph", daysLeft: 60, state: "ok", mismatch: true, tenantIds: [reg.tenant.id] });
      const p = await profileOf(services, reg.tenant.credentialId);
      expect(p.expiryMismatch).toBe(true);
      expect(Math.abs(Date.parse(p.graphExpiresOn ?? "") - (t0 + 60 * DAY))).toBeLessThan(5 * 60_000);
    }
    expect(only(r.events, close.tenant.credentialId)).toMatchObject({ source: "graph", daysLeft: 60, mismatch: false });
    expect((await profileOf(services, close.tenant.credentialId)).expiryMismatch).toBe(false);

    // The admin corrects the entered expiry: the next check clears the flag.
    const cur = await profileOf(services, early.tenant.credentialId);
    await rotate(services, cur.id, early.secrets[0]!, Date.parse(cur.graphExpiresOn ?? ""));
    const again = await run(services, t0);
    expect(only(again.events, cur.id).mismatch).toBe(false);
    expect((await profileOf(services, cur.id)).expiryMismatch).toBe(false);
  });

  it("falls back to the entered expiry when the app lacks Application.Read.All", async () => {
    const t0 = Date.now();
    const services = await testServices();
    const withoutAppRead = allPermissions().filter((p) => p !== "Application.Read.All");
    expect(withoutAppRead.length).toBe(allPermissions().length - 1);
    const reg = await register(services, { secretDaysValid: [365], enteredExpiresOn: t0 + 20 * DAY + HOUR, grantedPermissions: withoutAppRead });
    const id = reg.tenant.credentialId;

    const r = await run(services, t0);
    expect(only(r.events, id)).toEqual({
      credentialId: id,
      clientId: reg.clientId,
      tenantIds: [reg.tenant.id],
      daysLeft: 20,
      source: "entered",
      state: "warning",
      mismatch: false,
    });
    expect(r.report.failed).toEqual([]);
    // It did ask Graph, and Graph refused.
    const log = await simGet<{ requests: Array<{ resource: string; status: number }> }>(`/_sim/requests?tenantId=${reg.tenant.id}`);
    expect(log.requests.filter((q) => q.resource === "applications").map((q) => q.status)).toEqual([403]);
    const p = await profileOf(services, id);
    expect(p.graphExpiresOn ?? null).toBeNull();
    expect(p.expiryMismatch ?? false).toBe(false);

    // Once consented, the real expiry (365 days) wins and disagrees with the entered one.
    await simPost(`/_sim/${reg.tenant.id}/apps/${reg.clientId}/permissions`, { grantedPermissions: allPermissions() }, "PUT");
    const after = await run(services, t0);
    expect(only(after.events, id)).toMatchObject({ source: "graph", daysLeft: 365, state: "ok", mismatch: true });
    expect((await profileOf(services, id)).expiryMismatch).toBe(true);
  });

  it("logs one event per credential, and one failing credential does not stop the others", async () => {
    const t0 = Date.now();
    const services = await testServices();
    const at = iso(t0);
    // Listed first (row keys sort), with an expiry that is not a date.
    const broken: CredentialProfile = {
      id: "0000-broken",
      name: "broken",
      clientId: "11111111-1111-4111-8111-111111111111",
      secretName: "cred-0000-broken",
      secretExpiresOn: "not a date",
      inline: false,
      createdAt: at,
      updatedAt: at,
    };
    // No tenant uses it: nothing to sign in with, so its entered expiry is all there is.
    const unused: CredentialProfile = { ...broken, id: "0001-unused", name: "unused", secretName: "cred-0001-unused", secretExpiresOn: iso(t0 + 3 * DAY + HOUR) };
    expect(await services.credentials.create(broken)).toBe(true);
    expect(await services.credentials.create(unused)).toBe(true);
    const reg = await register(services, { secretDaysValid: [100], enteredExpiresOn: t0 + 100 * DAY });

    const r = await run(services, t0);
    expect(r.report.failed.map((f) => f.credentialId)).toEqual([broken.id]);
    expect(r.lines.some((l) => l.includes(broken.id) && l.includes("check failed"))).toBe(true);
    expect(r.events.map((e) => e.credentialId).sort()).toEqual([unused.id, reg.tenant.credentialId].sort());
    expect(only(r.events, unused.id)).toEqual({
      credentialId: unused.id,
      clientId: unused.clientId,
      tenantIds: [],
      daysLeft: 3,
      source: "entered",
      state: "critical",
      mismatch: false,
    });
    expect(only(r.events, reg.tenant.credentialId)).toMatchObject({ source: "graph", daysLeft: 100, state: "ok" });
    expect(r.report.checked.map((c) => c.credentialId).sort()).toEqual([unused.id, reg.tenant.credentialId].sort());
  });

  it("never puts a secret or a token in a log line or the report", async () => {
    const t0 = Date.now();
    const services = await testServices();
    // Every path that handles a secret: Graph read, 403, refused sign-in, and a secret added later.
    const graph = await register(services, { secretDaysValid: [50], enteredExpiresOn: t0 + 50 * DAY });
    const denied = await register(services, {
      secretDaysValid: [50],
      enteredExpiresOn: t0 + 10 * DAY,
      grantedPermissions: allPermissions().filter((p) => p !== "Application.Read.All"),
    });
    const expired = await register(services, { secretDaysValid: [50, -3], enteredExpiresOn: t0 + 50 * DAY });
    await rotate(services, expired.tenant.credentialId, expired.secrets[1]!, t0 - 3 * DAY);
    const added = (await simPost(`/_sim/${graph.tenant.id}/apps/${graph.clientId}/secrets`, { daysValid: 12, displayName: "rotated" })) as {
      secretText: string;
      endDateTime: string;
    };
    await rotate(services, graph.tenant.credentialId, added.secretText, Date.parse(added.endDateTime));
    // A secret the app does not have: Entra refuses it (AADSTS7000215).
    const wrong = await register(services, { secretDaysValid: [50], enteredExpiresOn: t0 + 50 * DAY });
    const bogus = "Zq9~" + "x".repeat(36);
    await rotate(services, wrong.tenant.credentialId, bogus, t0 + 50 * DAY);

    const r = await run(services, t0);
    expect(r.events).toHaveLength(4);
    expect(only(r.events, graph.tenant.credentialId)).toMatchObject({ source: "graph", daysLeft: 12, state: "warning" });
    expect(only(r.events, denied.tenant.credentialId)).toMatchObject({ source: "entered", daysLeft: 10 });
    expect(only(r.events, expired.tenant.credentialId)).toMatchObject({ source: "entered", state: "expired" });
    expect(only(r.events, wrong.tenant.credentialId)).toMatchObject({ source: "entered", daysLeft: 50 });
    expect(r.lines.some((l) => l.includes("AADSTS7000222"))).toBe(true);
    expect(r.lines.some((l) => l.includes("AADSTS7000215"))).toBe(true);

    const secrets = [...graph.secrets, ...denied.secrets, ...expired.secrets, ...wrong.secrets, added.secretText, bogus];
    expect(secrets.length).toBe(7);
    const texts = [...r.lines, JSON.stringify(r.report)];
    for (const text of texts) {
      for (const s of secrets) expect(text.includes(s), `a secret in: ${text.slice(0, 80)}`).toBe(false);
      // A JWT (header and payload are base64url JSON: "eyJ…").
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}/);
    }
  });
});
