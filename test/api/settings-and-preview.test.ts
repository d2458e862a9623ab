import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretClient } from "@azure/keyvault-secrets";
import { ClientSecretCredential } from "@azure/identity";
import { inject } from "vitest";
import { PreviewStore } from "../../src/store/preview-store.js";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant, simGet, type CreatedTenant } from "../support/sim.js";

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

async function addTenant(api: TestApi, sim: CreatedTenant, extra: Record<string, unknown> = {}) {
  const app = sim.apps[0]!;
  const res = await api.call("POST", "/tenants", { body: { tenant: sim.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() }, ...extra } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; credential: { id: string } };
}

describe("portal API: settings, credentials, connections, preview, deletions", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api.stop());

  it("PATCH honours If-Match, refuses tenant and cloud, and a filter change sets fullScanNextRun", async () => {
    const sim = await createSimTenant({ spec: { users: 30, groups: 4 } });
    await addTenant(api, sim);
    const got = await api.call("GET", `/tenants/${sim.tenantId}`, { token: api.reader });
    const etag = got.headers.get("etag")!;
    expect(etag).toBeTruthy();
    const immutable = await api.call("PATCH", `/tenants/${sim.tenantId}`, { body: { cloud: "china" } });
    expect(immutable.status).toBe(400);
    expect(((await immutable.json()) as { error: { details: Array<{ path: string }> } }).error.details[0]?.path).toBe("body.cloud");
    const ok = await api.call("PATCH", `/tenants/${sim.tenantId}`, { body: { filters: { groups: { excludeOnPremSynced: true } } }, headers: { "if-match": etag } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ fullScanNextRun: true, filters: { groups: { excludeOnPremSynced: true } } });
    const stale = await api.call("PATCH", `/tenants/${sim.tenantId}`, { body: { displayName: "Renamed" }, headers: { "if-match": etag } });
    expect(stale.status).toBe(412);
    const off = await api.call("PATCH", `/tenants/${sim.tenantId}`, { body: { enabled: false } });
    expect(await off.json()).toMatchObject({ enabled: false, nextRunAt: null });
    const sync = await api.call("POST", `/tenants/${sim.tenantId}/sync`);
    expect(sync.status).toBe(409);
    expect(((await sync.json()) as { error: { code: string } }).error.code).toBe("TenantDisabled");
  });

  it("credential profiles: the secret is write-only, rotation makes a new Key Vault version, and a profile in use cannot be deleted", async () => {
    const sim = await createSimTenant({ spec: { users: 20, groups: 2 } });
    const app = sim.apps[0]!;
    const created = await api.call("POST", "/credentials", { body: { name: "Shared app", clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() } });
    expect(created.status).toBe(201);
    const profile = (await created.json()) as Record<string, unknown> & { id: string };
    expect(JSON.stringify(profile)).not.toContain(app.clientSecrets[0]!);
    expect(profile).not.toHaveProperty("clientSecret");
    expect(profile).not.toHaveProperty("secretName");
    const tenant = await api.call("POST", "/tenants", { body: { tenant: sim.tenantId, cloud: "global", credential: { credentialId: profile.id } } });
    expect(tenant.status).toBe(201);

    const s = inject("sim");
    const kv = new SecretClient(s.keyVaultUrl, new ClientSecretCredential(s.service.tenantId, s.service.identity.clientId, s.service.identity.clientSecret, { authorityHost: s.authorityHost, disableInstanceDiscovery: true }), { disableChallengeResourceVerification: true });
    const versions = async () => {
      let n = 0;
      for await (const _ of kv.listPropertiesOfSecretVersions(`cred-${profile.id}`)) n++;
      return n;
    };
    expect(await versions()).toBe(1);
    const newExpiry = new Date(Date.now() + 20 * 86_400_000).toISOString();
    const rotated = await api.call("PATCH", `/credentials/${profile.id}`, { body: { clientSecret: app.clientSecrets[0], secretExpiresOn: newExpiry } });
    expect(rotated.status).toBe(200);
    expect(await rotated.json()).toMatchObject({ secretExpiresOn: newExpiry, expiryState: "warning" });
    expect(await versions()).toBe(2);
    const inUse = await api.call("DELETE", `/credentials/${profile.id}`);
    expect(inUse.status).toBe(409);
    expect(((await inUse.json()) as { error: { code: string } }).error.code).toBe("CredentialInUse");
  });

  it.each([
    ["wrong secret", "AADSTS7000215", "Value, not its ID"],
    ["expired secret", "AADSTS7000222", "expired"],
    ["unknown app", "AADSTS700016", "admin consent"],
    ["unknown tenant", "AADSTS90002", "tenant was not found"],
  ])("tests unsaved credentials: %s gives %s with its fix", async (kind, code, fix) => {
    const sim = await createSimTenant({ spec: { users: 10, groups: 2 }, ...(kind === "expired secret" ? { secretDaysValid: [-1] } : {}) });
    const app = sim.apps[0]!;
    const body = {
      tenant: kind === "unknown tenant" ? "nosuchtenant.onmicrosoft.com" : sim.domain,
      cloud: "global",
      clientId: kind === "unknown app" ? "11111111-2222-4333-8444-555555555555" : app.clientId,
      clientSecret: kind === "wrong secret" ? "not-the-secret" : app.clientSecrets[0],
    };
    const res = await api.call("POST", "/connections/test", { body });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { ok: boolean; error: { code: string; fix: string } };
    expect(report.ok).toBe(false);
    expect(report.error.code).toBe(code);
    expect(report.error.fix).toContain(fix);
  });

  it("a good connection report names the tenant, its domains, the granted and the missing permissions", async () => {
    const limited = inject("sim").tenants[2]!;
    const res = await api.call("POST", "/connections/test", { body: { tenant: limited.tenantId, cloud: "global", clientId: limited.clientId, clientSecret: limited.clientSecret } });
    const report = (await res.json()) as { ok: boolean; tenantName: string; verifiedDomains: string[]; grantedPermissions: string[]; missingPermissions: Array<{ permission: string; blocks: string[] }> };
    expect(report).toMatchObject({ ok: true, tenantName: limited.displayName, verifiedDomains: [limited.domain] });
    expect(report.grantedPermissions).toEqual([...limited.grantedPermissions].sort());
    expect(report.missingPermissions).toEqual([
      { permission: "Device.Read.All", blocks: ["devices"] },
      { permission: "Application.Read.All", blocks: ["applications", "servicePrincipals", "appRoleAssignments", "applicationOwners", "servicePrincipalOwners"] },
    ]);
    // Northwind has neither P1 nor P2: Graph's own answers name why.
    const licence: unknown = (report as { licence?: unknown }).licence;
    expect(licence).toEqual({
      signInActivity: { allowed: false, reason: expect.stringContaining("Authentication_RequestFromNonPremiumTenantOrB2CTenant") as unknown },
      pim: { allowed: false, reason: expect.stringContaining("AadPremiumLicenseRequired") as unknown },
    });
  });

  it("test connection tells a P1-only tenant that sign-in activity is allowed and PIM is not", async () => {
    const fabrikam = inject("sim").tenants[1]!;
    const res = await api.call("POST", "/connections/test", { body: { tenant: fabrikam.tenantId, cloud: "global", clientId: fabrikam.clientId, clientSecret: fabrikam.clientSecret } });
    const report = (await res.json()) as { ok: boolean; licence: unknown };
    expect(report.ok).toBe(true);
    expect(report.licence).toEqual({ signInActivity: { allowed: true }, pim: { allowed: false, reason: expect.stringContaining("Microsoft Entra ID P2") as unknown } });
  });

  it("previews only while the tenant is off, summarizes it, exports it, and expires it at the next sync", async () => {
    const sim = await createSimTenant({ spec: { users: 70, groups: 6 } });
    await addTenant(api, sim, { objectTypes: ["users", "groups"] });
    expect((await api.call("POST", `/tenants/${sim.tenantId}/preview`)).status).toBe(409);
    await api.call("PATCH", `/tenants/${sim.tenantId}`, { body: { enabled: false } });
    expect((await api.call("GET", `/tenants/${sim.tenantId}/preview`, { token: api.reader })).status).toBe(404);
    expect((await api.call("POST", `/tenants/${sim.tenantId}/preview`)).status).toBe(202);
    await api.durable.waitForCompletion(`sync-${sim.tenantId}`, 60_000);
    const page = (await (await api.call("GET", `/tenants/${sim.tenantId}/preview?type=users&pageSize=50`, { token: api.reader })).json()) as {
      status: string; exportRequired: boolean; records: number; summary: Record<string, { adds: number }>; items: Array<{ type: string; change: string }>; continuationToken?: string;
    };
    expect(page).toMatchObject({ status: "ready", exportRequired: false, records: 76 });
    expect(page.summary.users?.adds).toBe(70);
    expect(page.items).toHaveLength(50);
    const next = (await (await api.call("GET", `/tenants/${sim.tenantId}/preview?type=users&pageSize=50&continuationToken=${page.continuationToken}`, { token: api.reader })).json()) as { items: unknown[] };
    expect(next.items).toHaveLength(20);
    const exported = (await (await api.call("GET", `/tenants/${sim.tenantId}/preview/export`, { token: api.reader })).json()) as { records: Array<{ type: string }> };
    expect(exported.records).toHaveLength(76);

    // Over 20,000 records the preview is export-only.
    const previews = new PreviewStore(api.services.tables.client("Previews"));
    const meta = (await previews.get(sim.tenantId))!;
    await previews.put(sim.tenantId, { ...meta, records: 20_001 });
    const big = (await (await api.call("GET", `/tenants/${sim.tenantId}/preview`, { token: api.reader })).json()) as { exportRequired: boolean; items: unknown[] };
    expect(big).toMatchObject({ exportRequired: true, items: [] });

    await api.call("PATCH", `/tenants/${sim.tenantId}`, { body: { enabled: true } });
    expect((await api.call("POST", `/tenants/${sim.tenantId}/sync`)).status).toBe(202);
    await api.durable.waitForCompletion(`sync-${sim.tenantId}`, 60_000);
    expect((await api.call("GET", `/tenants/${sim.tenantId}/preview`, { token: api.reader })).status).toBe(410);
  });

  it("holds deletions past the threshold; approve applies them through the API", async () => {
    const sim = await createSimTenant({ spec: { users: 60, groups: 4 } });
    await addTenant(api, sim, { objectTypes: ["users"], deletionThreshold: { count: 3 } });
    await api.call("POST", `/tenants/${sim.tenantId}/sync`);
    await api.durable.waitForCompletion(`sync-${sim.tenantId}`, 60_000);
    const users = await simGet<Array<{ id: string; accountEnabled: boolean }>>(`/_sim/${sim.tenantId}/truth/users?select=id,accountEnabled`);
    await api.call("PATCH", `/tenants/${sim.tenantId}`, { body: { filters: { users: { attributes: [{ attribute: "accountEnabled", op: "equals", value: false }] } } } });
    await api.call("POST", `/tenants/${sim.tenantId}/sync`);
    await api.durable.waitForCompletion(`sync-${sim.tenantId}`, 60_000);
    const status = (await (await api.call("GET", `/tenants/${sim.tenantId}/sync`, { token: api.reader })).json()) as { status: string };
    expect(status.status).toBe("held");
    expect((await api.call("POST", `/tenants/${sim.tenantId}/sync`)).status).toBe(409);
    const approved = await api.call("POST", `/tenants/${sim.tenantId}/deletions/approve`);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ applied: users.filter((u) => u.accountEnabled).length });
    const left = (await (await api.call("GET", `/tenants/${sim.tenantId}/objects/users?pageSize=1000`, { token: api.reader })).json()) as { items: Array<{ accountEnabled: boolean }> };
    expect(left.items.every((u) => u.accountEnabled === false)).toBe(true);
    expect((await api.call("POST", `/tenants/${sim.tenantId}/deletions/reject`)).status).toBe(409);
  });

  it("browses objects by name prefix and memberships by the counts key", async () => {
    const sim = await createSimTenant({ spec: { users: 90, groups: 6 } });
    await addTenant(api, sim, { objectTypes: ["users", "groups"] });
    await api.call("POST", `/tenants/${sim.tenantId}/sync`);
    await api.durable.waitForCompletion(`sync-${sim.tenantId}`, 60_000);
    const users = await simGet<Array<{ id: string; displayName: string }>>(`/_sim/${sim.tenantId}/truth/users?select=id,displayName`);
    const prefix = users[0]!.displayName.slice(0, 3);
    const found = (await (await api.call("GET", `/tenants/${sim.tenantId}/objects/users?search=${encodeURIComponent(prefix)}&pageSize=1000`, { token: api.reader })).json()) as { items: Array<{ id: string }> };
    expect(found.items.map((u) => u.id).sort()).toEqual(users.filter((u) => u.displayName.toLowerCase().startsWith(prefix.toLowerCase())).map((u) => u.id).sort());
    const links = await simGet<unknown[]>(`/_sim/${sim.tenantId}/truth/memberships`);
    const memberships = (await (await api.call("GET", `/tenants/${sim.tenantId}/objects/memberships?pageSize=1000`, { token: api.reader })).json()) as { items: Array<{ groupId: string; memberId: string; type: string }> };
    expect(memberships.items).toHaveLength(links.length);
    expect((await api.call("GET", `/tenants/${sim.tenantId}/objects/nonsense`, { token: api.reader })).status).toBe(404);
  });
});
