import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Json } from "../../src/domain/graph-object.js";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant, simGet, type CreatedTenant } from "../support/sim.js";
import { textOf } from "../../src/domain/text.js";

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();
type Obj = Record<string, Json>;

async function graphWrites(tenantId: string): Promise<number> {
  const log = await simGet<{ requests: Array<{ method: string; path: string }> }>(`/_sim/requests?tenantId=${tenantId}`);
  return log.requests.filter((r) => (r.method === "POST" || r.method === "DELETE") && r.path.includes("/members/")).length;
}

async function members(api: TestApi, tenantId: string, groupId: string): Promise<string[]> {
  const res = await api.call("GET", `/tenants/${tenantId}/groups/${groupId}/members?pageSize=1000`, { token: api.reader });
  return ((await res.json()) as { items: Array<{ id: string }> }).items.map((m) => m.id);
}

async function sync(api: TestApi, tenantId: string): Promise<void> {
  expect((await api.call("POST", `/tenants/${tenantId}/sync`)).status).toBe(202);
  const s = await api.durable.waitForCompletion(`sync-${tenantId}`, 60_000);
  expect(s.runtimeStatus).toBe("Completed");
}

describe("membership write-back", () => {
  let api: TestApi;
  let sim: CreatedTenant;
  let groups: Obj[];
  let users: Obj[];
  const readPlusWrite = [...inject("sim").tenants[0]!.grantedPermissions, "GroupMember.ReadWrite.All"];

  beforeAll(async () => {
    api = await startApi();
    sim = await createSimTenant({ spec: { users: 120, groups: 30 }, grantedPermissions: readPlusWrite });
    const app = sim.apps[0]!;
    const added = await api.call("POST", "/tenants", { body: { tenant: sim.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() } } });
    expect(added.status).toBe(201);
    await sync(api, sim.tenantId);
    groups = await simGet<Obj[]>(`/_sim/${sim.tenantId}/truth/groups?select=id,displayName,groupTypes,mailEnabled,securityEnabled,onPremisesSyncEnabled,membershipRule,isAssignableToRole`);
    users = await simGet<Obj[]>(`/_sim/${sim.tenantId}/truth/users?select=id`);
  });
  afterAll(async () => api.stop());

  // The first such group is "All Employees", which holds every user: take another.
  const cloudSecurity = () =>
    groups.filter((g) => g.securityEnabled === true && g.mailEnabled === false && g.onPremisesSyncEnabled !== true && !g.membershipRule && g.isAssignableToRole !== true && Array.isArray(g.groupTypes) && g.groupTypes.length === 0)[1]!;

  it("adds and removes a member of a cloud security group, visible at once and after the next delta sync", async () => {
    const g = textOf(cloudSecurity().id);
    const before = await members(api, sim.tenantId, g);
    const user = textOf(users.find((u) => !before.includes(textOf(u.id)))!.id);

    const add = await api.call("POST", `/tenants/${sim.tenantId}/groups/${g}/members/${user}`);
    expect(add.status).toBe(200);
    expect(await add.json()).toMatchObject({ result: "added", changed: true });
    expect(await members(api, sim.tenantId, g)).toContain(user);
    await sync(api, sim.tenantId);
    expect(await members(api, sim.tenantId, g)).toContain(user);
    const truth = await simGet<Array<{ groupId: string; memberId: string }>>(`/_sim/${sim.tenantId}/truth/memberships`);
    expect(truth.some((l) => l.groupId === g && l.memberId === user)).toBe(true);

    const again = await api.call("POST", `/tenants/${sim.tenantId}/groups/${g}/members/${user}`);
    expect(await again.json()).toMatchObject({ result: "alreadyMember", changed: false });

    const remove = await api.call("DELETE", `/tenants/${sim.tenantId}/groups/${g}/members/${user}`);
    expect(await remove.json()).toMatchObject({ result: "removed", changed: true });
    expect(await members(api, sim.tenantId, g)).not.toContain(user);
    await sync(api, sim.tenantId);
    expect(await members(api, sim.tenantId, g)).not.toContain(user);
    const removeAgain = await api.call("DELETE", `/tenants/${sim.tenantId}/groups/${g}/members/${user}`);
    expect(removeAgain.status).toBe(200);
    expect(await removeAgain.json()).toMatchObject({ result: "notMember", changed: false });
  });

  it.each([
    ["on-prem synced", (g: Obj) => g.onPremisesSyncEnabled === true, "GroupSyncedFromOnPremises", "on-premises"],
    ["dynamic", (g: Obj) => typeof g.membershipRule === "string", "DynamicMembershipGroup", "membership rule"],
    ["mail-enabled security", (g: Obj) => g.mailEnabled === true && g.securityEnabled === true && Array.isArray(g.groupTypes) && !g.groupTypes.includes("Unified"), "ExchangeManagedGroup", "Exchange admin center"],
    ["distribution list", (g: Obj) => g.mailEnabled === true && g.securityEnabled === false && Array.isArray(g.groupTypes) && !g.groupTypes.includes("Unified"), "ExchangeManagedGroup", "distribution list"],
    ["role-assignable without RoleManagement.ReadWrite.Directory", (g: Obj) => g.isAssignableToRole === true && g.onPremisesSyncEnabled !== true, "RoleAssignableGroup", "RoleManagement.ReadWrite.Directory"],
  ])("refuses a %s group with 409 before any Graph write", async (_kind, pick, code, words) => {
    const g = groups.find(pick);
    expect(g, "the generator covers this kind").toBeDefined();
    const writesBefore = await graphWrites(sim.tenantId);
    const res = await api.call("POST", `/tenants/${sim.tenantId}/groups/${textOf(g!.id)}/members/${textOf(users[0]!.id)}`);
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toContain(words);
    expect(await graphWrites(sim.tenantId)).toBe(writesBefore);
  });

  it("refuses a reader with 403", async () => {
    const res = await api.call("POST", `/tenants/${sim.tenantId}/groups/${textOf(cloudSecurity().id)}/members/${textOf(users[0]!.id)}`, { token: api.reader });
    expect(res.status).toBe(403);
  });

  it("reports a missing write permission in test connection and answers 403 naming it", async () => {
    const ro = await createSimTenant({ spec: { users: 30, groups: 8 } });
    const app = ro.apps[0]!;
    await api.call("POST", "/tenants", { body: { tenant: ro.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() } } });
    await sync(api, ro.tenantId);
    const report = (await (await api.call("POST", `/tenants/${ro.tenantId}/test`)).json()) as { ok: boolean; canWriteMemberships: boolean };
    expect(report).toMatchObject({ ok: true, canWriteMemberships: false });
    const g = (await simGet<Obj[]>(`/_sim/${ro.tenantId}/truth/groups?select=id`))[0]!;
    const writesBefore = await graphWrites(ro.tenantId);
    const res = await api.call("POST", `/tenants/${ro.tenantId}/groups/${textOf(g.id)}/members/${textOf(users[0]!.id)}`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("GroupMember.ReadWrite.All");
    expect(await graphWrites(ro.tenantId)).toBe(writesBefore);
    const full = (await (await api.call("POST", `/tenants/${sim.tenantId}/test`)).json()) as { canWriteMemberships: boolean };
    expect(full.canWriteMemberships).toBe(true);
  });

  it("audits every write: who, when, group, member, action and result", async () => {
    const res = await api.call("GET", `/tenants/${sim.tenantId}/audit?pageSize=100`, { token: api.reader });
    const { items } = (await res.json()) as { items: Array<{ actorId: string; action: string; result: string; at: string; groupId: string; memberId: string }> };
    const results = items.map((e) => e.result);
    for (const r of ["added", "alreadyMember", "removed", "notMember", "refused:GroupSyncedFromOnPremises", "refused:DynamicMembershipGroup"]) expect(results).toContain(r);
    expect(items.every((e) => e.actorId === inject("sim").service.admin.clientId)).toBe(true);
    const times = items.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});
