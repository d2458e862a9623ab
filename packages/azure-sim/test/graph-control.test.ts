import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, startHarness, type Harness } from "./graph-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

type Counts = Record<string, number>;
interface Created {
  tenantId: string;
  domain: string;
  apps: Array<{ clientId: string; clientSecrets: string[]; grantedPermissions: string[] }>;
  counts: Counts;
}

async function create(domain: string): Promise<Created> {
  const res = await h.control("POST", "/_sim/tenants", {
    displayName: "Woodgrove",
    domain,
    spec: { seed: 9, users: 90, groups: 12, devices: 15, largeGroupMembers: 50 },
    apps: [{ displayName: "connector", grantedPermissions: ["Directory.Read.All"], secretDaysValid: [30, -1] }],
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

describe("/_sim control routes", () => {
  it("creates a tenant from a partial spec and validates the input", async () => {
    const t = await create("woodgrove.example");
    expect(t.counts).toMatchObject({ users: 90, groups: 12, devices: 15 });
    expect(t.apps[0]!.clientSecrets).toHaveLength(2);
    expect(t.apps[0]!.clientSecrets[0]).toHaveLength(40);
    expect(h.registry.find("woodgrove.example")?.tenantId).toBe(t.tenantId);
    expect((await h.control("POST", "/_sim/tenants", { displayName: "x", domain: "woodgrove.example", apps: [] })).status).toBe(409);
    expect((await h.control("POST", "/_sim/tenants", { displayName: "x", domain: "bad domain", apps: [] })).status).toBe(400);
    expect((await h.control("POST", "/_sim/tenants", { displayName: "x", domain: "ok.example", spec: { users: -1 } })).status).toBe(400);
  });

  it("applies mutations and reports the truth", async () => {
    const t = await create("truth.example");
    const res = await h.control("POST", `/_sim/${t.tenantId}/mutations`, { seed: 3, count: 25 });
    const { applied, counts } = (await res.json()) as { applied: unknown[]; counts: Counts };
    expect(applied.length).toBeGreaterThanOrEqual(25);
    const truth = (await (await h.control("GET", `/_sim/${t.tenantId}/truth`)).json()) as { counts: Counts };
    expect(truth.counts).toEqual(counts);

    const users = (await (await h.control("GET", `/_sim/${t.tenantId}/truth/users?select=displayName`)).json()) as Array<Record<string, unknown>>;
    expect(users).toHaveLength(counts.users!);
    expect(Object.keys(users[0]!).sort()).toEqual(["displayName", "id"]);
    const links = (await (await h.control("GET", `/_sim/${t.tenantId}/truth/memberships`)).json()) as Array<{ groupId: string; memberId: string; type: string }>;
    expect(links).toHaveLength(counts.memberships!);
    expect(links[0]).toMatchObject({ groupId: expect.any(String) as unknown, memberId: expect.any(String) as unknown, type: expect.stringMatching(/^#microsoft\.graph\./) as unknown });
    expect((await h.control("GET", `/_sim/${t.tenantId}/truth/nope`)).status).toBe(404);
    expect((await h.control("POST", `/_sim/${t.tenantId}/mutations`, { seed: "x" })).status).toBe(400);
    expect((await h.control("GET", "/_sim/unknown.example/truth")).status).toBe(404);
  });

  it("adds and deletes secrets and changes granted permissions", async () => {
    const t = await create("secrets.example");
    const app = t.apps[0]!;
    const res = await h.control("POST", `/_sim/${t.tenantId}/apps/${app.clientId}/secrets`, { daysValid: 5, displayName: "rotated" });
    expect(res.status).toBe(201);
    const secret = (await res.json()) as { keyId: string; secretText: string; hint: string; endDateTime: string };
    expect(secret.hint).toBe(secret.secretText.slice(0, 3));
    const simApp = h.registry.find(t.tenantId)!.apps.get(app.clientId)!;
    expect(simApp.secrets.map((s) => s.keyId)).toContain(secret.keyId);
    expect((await h.control("DELETE", `/_sim/${t.tenantId}/apps/${app.clientId}/secrets/${secret.keyId}`)).status).toBe(204);
    expect(simApp.secrets.map((s) => s.keyId)).not.toContain(secret.keyId);
    expect((await h.control("DELETE", `/_sim/${t.tenantId}/apps/${app.clientId}/secrets/${secret.keyId}`)).status).toBe(404);

    const perm = await h.control("PUT", `/_sim/${t.tenantId}/apps/${app.clientId}/permissions`, { grantedPermissions: ["User.Read.All"] });
    expect(perm.status).toBe(200);
    expect(simApp.grantedPermissions).toEqual(["User.Read.All"]);
    // The fake verifier takes roles from the token; the real one reads grantedPermissions when issuing.
    expect((await h.graph("/v1.0/users", bearer(t.tenantId, simApp.grantedPermissions))).status).toBe(200);
  });

  it("leaves unknown paths to other handlers", async () => {
    expect((await h.control("GET", "/elsewhere")).status).toBe(404);
    expect((await h.control("GET", "/_sim/tenants")).status).toBe(404);
  });
});
