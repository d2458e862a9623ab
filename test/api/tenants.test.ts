import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimTenant } from "../support/sim.js";
import { startApi, type TestApi } from "../support/api.js";

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

describe("portal API: tenants", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api.stop());

  it("adds a tenant by domain after testing the connection, and lists it", async () => {
    const sim = await createSimTenant({ spec: { users: 60, groups: 4 } });
    const app = sim.apps[0]!;
    const res = await api.call("POST", "/tenants", {
      body: { tenant: sim.domain, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() } },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; credential: { expiryState: string }; connection: { ok: boolean } };
    expect(created.id).toBe(sim.tenantId);
    expect(created.credential.expiryState).toBe("ok");
    expect(created.connection.ok).toBe(true);
    const list = (await (await api.call("GET", "/tenants", { token: api.reader })).json()) as { items: Array<{ id: string; status: string; nextRunAt: string | null }> };
    expect(list.items.map((t) => t.id)).toContain(sim.tenantId);
  });

  it("refuses a wrong secret with the connection report, and writes nothing", async () => {
    const sim = await createSimTenant({ spec: { users: 20, groups: 2 } });
    const res = await api.call("POST", "/tenants", {
      body: { tenant: sim.tenantId, cloud: "global", credential: { clientId: sim.apps[0]!.clientId, clientSecret: "wrong-secret-value", secretExpiresOn: inAYear() } },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { error: { code: string; fix: string } } } };
    expect(body.error.code).toBe("ConnectionFailed");
    expect(body.error.details.error.code).toBe("AADSTS7000215");
    expect(body.error.details.error.fix).toContain("Value, not its ID");
    expect((await api.call("GET", `/tenants/${sim.tenantId}`)).status).toBe(404);
  });

  it("runs Sync Now, reports progress, and shows history", async () => {
    const sim = await createSimTenant({ spec: { users: 80, groups: 5 } });
    const app = sim.apps[0]!;
    await api.call("POST", "/tenants", { body: { tenant: sim.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() } } });
    const res = await api.call("POST", `/tenants/${sim.tenantId}/sync`);
    expect(res.status).toBe(202);
    expect(res.headers.get("location")).toBe(`${api.baseUrl}/tenants/${sim.tenantId}/sync`);
    await api.durable.waitForCompletion(`sync-${sim.tenantId}`, 60_000);
    const status = (await (await api.call("GET", `/tenants/${sim.tenantId}/sync`, { token: api.reader })).json()) as { status: string; syncNowRemainingToday: number };
    expect(status).toMatchObject({ status: "succeeded", syncNowRemainingToday: 3 });
    const history = (await (await api.call("GET", `/tenants/${sim.tenantId}/history?type=users`, { token: api.reader })).json()) as { items: Array<{ type: string; total: number; status: string }> };
    expect(history.items).toEqual([expect.objectContaining({ type: "users", total: 80, status: "succeeded" })]);
    const csv = await (await api.call("GET", `/tenants/${sim.tenantId}/history.csv`, { token: api.reader })).text();
    expect(csv.split("\n")[0]).toBe("runId,trigger,type,startTime,endTime,total,changed,deleted,filtered,status,error");
    expect(csv).toContain(",users,");
    const users = (await (await api.call("GET", `/tenants/${sim.tenantId}/objects/users?pageSize=50`, { token: api.reader })).json()) as { items: Array<{ id: string; userPrincipalName: string }>; continuationToken?: string };
    expect(users.items).toHaveLength(50);
    const rest = (await (await api.call("GET", `/tenants/${sim.tenantId}/objects/users?pageSize=50&continuationToken=${users.continuationToken}`, { token: api.reader })).json()) as { items: unknown[]; continuationToken?: string };
    expect(rest.items).toHaveLength(30);
    expect(rest.continuationToken).toBeUndefined();
  });
});
