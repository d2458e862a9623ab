import { ClientSecretCredential } from "@azure/identity";
import { describe, expect, inject, it } from "vitest";
import { createSimTenant, decodeJwt } from "../../../test/support/sim.js";

const sim = inject("sim");

const credential = (tenant: string, clientId: string, secret: string) =>
  new ClientSecretCredential(tenant, clientId, secret, { authorityHost: sim.authorityHost, disableInstanceDiscovery: true });

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error("expected the token request to fail");
}

describe("simulated Entra through the real ClientSecretCredential", () => {
  it("lists the three seeded tenants in the contract's order", () => {
    expect(sim.tenants).toHaveLength(3);
    const [demo, second, third] = sim.tenants;
    expect(demo?.grantedPermissions).toContain("Device.Read.All");
    expect(second?.grantedPermissions).toContain("GroupMember.ReadWrite.All");
    expect(third?.grantedPermissions).not.toContain("Device.Read.All");
    expect(third?.grantedPermissions).not.toContain("Application.Read.All");
    expect(demo!.counts.users).toBe(1000);
  });

  it("issues a signed token per tenant carrying tid, aud, appid and the granted roles", async () => {
    for (const t of sim.tenants) {
      const token = await credential(t.tenantId, t.clientId, t.clientSecret).getToken(`${sim.graphBaseUrl}/.default`);
      const claims = decodeJwt(token.token);
      expect(claims.tid).toBe(t.tenantId);
      expect(claims.aud).toBe(sim.graphBaseUrl);
      expect(claims.appid).toBe(t.clientId);
      expect([...(claims.roles as string[])].sort()).toEqual([...t.grantedPermissions].sort());
      expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
    }
  });

  it("resolves a verified domain to the tenant GUID", async () => {
    const t = sim.tenants[0]!;
    const doc = (await (await fetch(`${sim.authorityHost}/${t.domain}/v2.0/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(doc.issuer).toBe(`${sim.authorityHost}/${t.tenantId}/v2.0`);
    const token = await credential(t.domain, t.clientId, t.clientSecret).getToken(`${sim.graphBaseUrl}/.default`);
    expect(decodeJwt(token.token).tid).toBe(t.tenantId);
  });

  it("answers a wrong secret with AADSTS7000215", async () => {
    const t = sim.tenants[0]!;
    const msg = await failure(credential(t.tenantId, t.clientId, "not-the-secret").getToken(`${sim.graphBaseUrl}/.default`));
    expect(msg).toContain("AADSTS7000215");
  });

  it("answers an unknown app with AADSTS700016 and an unknown tenant with AADSTS90002", async () => {
    const t = sim.tenants[0]!;
    const unknownApp = await failure(credential(t.tenantId, "11111111-2222-4333-8444-555555555555", t.clientSecret).getToken(`${sim.graphBaseUrl}/.default`));
    expect(unknownApp).toContain("AADSTS700016");
    const res = await fetch(`${sim.authorityHost}/nosuch.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
  });

  it("answers an expired secret with AADSTS7000222", async () => {
    const t = await createSimTenant({ secretDaysValid: [-1] });
    const app = t.apps[0]!;
    const msg = await failure(credential(t.tenantId, app.clientId, app.clientSecrets[0]!).getToken(`${sim.graphBaseUrl}/.default`));
    expect(msg).toContain("AADSTS7000222");
  });

  it("issues API tokens with the portal clients' app roles", async () => {
    const s = sim.service;
    const admin = await credential(s.tenantId, s.admin.clientId, s.admin.clientSecret).getToken(`${s.apiAudience}/.default`);
    const reader = await credential(s.tenantId, s.reader.clientId, s.reader.clientSecret).getToken(`${s.apiAudience}/.default`);
    expect(decodeJwt(admin.token)).toMatchObject({ aud: s.apiAudience, roles: ["Sync.Admin"] });
    expect(decodeJwt(reader.token)).toMatchObject({ aud: s.apiAudience, roles: ["Sync.Reader"] });
  });
});
