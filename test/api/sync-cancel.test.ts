import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant } from "../support/sim.js";

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

// The running case (terminate, history "cancelled", tenant idle) is in test/orchestration/cancel.test.ts,
// where the stream can be held open; here the route's access and answers.
describe("portal API: POST /tenants/{id}/sync/cancel", () => {
  let api: TestApi;
  let tenantId: string;
  beforeAll(async () => {
    api = await startApi();
    const sim = await createSimTenant({ spec: { users: 10, groups: 1 } });
    const app = sim.apps[0]!;
    const res = await api.call("POST", "/tenants", { body: { tenant: sim.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() } } });
    expect(res.status).toBe(201);
    tenantId = sim.tenantId;
  });
  afterAll(async () => api.stop());

  it("is for admins only", async () => {
    expect((await api.call("POST", `/tenants/${tenantId}/sync/cancel`, { token: api.reader })).status).toBe(403);
    expect((await api.call("POST", `/tenants/${tenantId}/sync/cancel`, { token: null })).status).toBe(401);
  });

  it("answers 404 for an unknown tenant", async () => {
    const res = await api.call("POST", "/tenants/00000000-0000-4000-8000-00000000dead/sync/cancel");
    expect(res.status).toBe(404);
  });

  it("answers 409 SyncNotRunning when no sync runs, and changes nothing", async () => {
    // Adding the tenant may have started its first sync; let it end.
    await api.durable.waitForCompletion(`sync-${tenantId}`, 60_000).catch(() => undefined);
    const before = await (await api.call("GET", `/tenants/${tenantId}/sync`, { token: api.reader })).json();
    const res = await api.call("POST", `/tenants/${tenantId}/sync/cancel`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("SyncNotRunning");
    expect(await (await api.call("GET", `/tenants/${tenantId}/sync`, { token: api.reader })).json()).toEqual(before);
  });
});
