import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { textOf } from "../../src/domain/text.js";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant, simGet } from "../support/sim.js";
import { addTenant, inAYear, syncAndWait, type AddedTenant, type Json } from "./helpers.js";
import { auditOf, graphWrites, readAndWrite, refusedWithoutWrite } from "../provisioning/support.js";

type Obj = Record<string, Json>;
const HELPDESK_ADMIN = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const SECURITY_READER = "5d6b6bb7-de71-4623-b4af-96380a352509";

describe("provisioning: app role assignments and directory roles", () => {
  let api: TestApi;
  let t: AddedTenant;
  let users: Obj[];
  let groups: Obj[];
  let sp: Obj;
  const stored = (type: string, id: string) => api.services.objects(t.id).get(type, id);
  const post = async (path: string, body: unknown) => {
    const res = await api.call("POST", path, { body });
    return { status: res.status, body: (await res.json()) as Obj };
  };
  const del = async (path: string) => {
    const res = await api.call("DELETE", path);
    return { status: res.status, body: (await res.json()) as Obj };
  };
  /** Cloud members holding no directory role: nothing refuses a change to them. */
  let plainUsers: () => Obj[];
  const plainGroup = () => groups.find((g) => g.isAssignableToRole !== true && g.securityEnabled === true && g.mailEnabled === false)!;
  const roleGroup = () => groups.find((g) => g.isAssignableToRole === true)!;

  beforeAll(async () => {
    api = await startApi({ SYNC_NOW_DAILY_LIMIT: "20" });
    t = await addTenant(api, { spec: { users: 60, groups: 30 }, grantedPermissions: readAndWrite() });
    await syncAndWait(api, t.id);
    users = await simGet<Obj[]>(`/_sim/${t.id}/truth/users?select=id,userType,onPremisesSyncEnabled`);
    const holders = new Set((await simGet<Obj[]>(`/_sim/${t.id}/truth/roleAssignments`)).map((a) => textOf(a.principalId)));
    const plain = users.filter((u) => u.userType === "Member" && u.onPremisesSyncEnabled !== true && !holders.has(textOf(u.id)));
    plainUsers = () => plain;
    groups = await simGet<Obj[]>(`/_sim/${t.id}/truth/groups?select=id,isAssignableToRole,securityEnabled,mailEnabled`);
    const sps = await simGet<Obj[]>(`/_sim/${t.id}/truth/servicePrincipals?select=id,appId,appRoles`);
    sp = sps.find((s) => Array.isArray(s.appRoles) && s.appRoles.length > 0)!;
  });
  afterAll(async () => api?.stop());

  it("grants and revokes an app role to a user and a group, idempotently, in the store at once and after the next sync", async () => {
    const spId = textOf(sp.id);
    const appRoleId = textOf(((sp.appRoles as Obj[])[0]!).id);
    const user = textOf(plainUsers()[0]!.id);
    const path = `/tenants/${t.id}/servicePrincipals/${spId}/appRoleAssignments`;
    const writes = await graphWrites(t.id);
    const grant = await post(path, { principalId: user, appRoleId });
    expect(grant.status, JSON.stringify(grant.body)).toBe(200);
    expect(grant.body).toMatchObject({ result: "granted", changed: true });
    expect(await graphWrites(t.id)).toBe(writes + 1);
    const id = textOf(grant.body.assignmentId);
    expect((await stored("appRoleAssignments", id))?.data).toMatchObject({ principalId: user, appRoleId, resourceId: spId });
    const again = await post(path, { principalId: user, appRoleId });
    expect(again.body).toMatchObject({ result: "alreadyGranted", changed: false, assignmentId: id });
    const toGroup = await post(path, { principalId: textOf(plainGroup().id), appRoleId });
    expect(toGroup.body).toMatchObject({ result: "granted", changed: true });
    await syncAndWait(api, t.id);
    expect((await stored("appRoleAssignments", id))?.data.principalId).toBe(user);
    const truth = await simGet<Obj[]>(`/_sim/${t.id}/truth/appRoleAssignments`);
    expect(truth.some((a) => a.id === id)).toBe(true);

    const revoke = await del(`${path}/${id}`);
    expect(revoke.body).toMatchObject({ result: "revoked", changed: true });
    expect(await stored("appRoleAssignments", id)).toBeUndefined();
    await syncAndWait(api, t.id);
    expect(await stored("appRoleAssignments", id)).toBeUndefined();
    expect((await del(`${path}/${id}`)).body).toMatchObject({ result: "notAssigned", changed: false });
  });

  it("refuses an app role the app does not define, before any Graph write", async () => {
    const e = await refusedWithoutWrite(api, t.id, "POST", `/tenants/${t.id}/servicePrincipals/${textOf(sp.id)}/appRoleAssignments`, { principalId: textOf(plainUsers()[1]!.id), appRoleId: "11111111-2222-4333-8444-555555555555" }, 400, "UnknownAppRole");
    expect(e.message).toContain(textOf(((sp.appRoles as Obj[])[0]!).id));
    await refusedWithoutWrite(api, t.id, "POST", `/tenants/${t.id}/servicePrincipals/${textOf(sp.id)}/appRoleAssignments`, { principalId: "nope", appRoleId: "11111111-2222-4333-8444-555555555555" }, 400, "ValidationError");
  });

  it("adds and removes an active directory role assignment, idempotently, in the store at once and after the next sync", async () => {
    const principalId = textOf(plainUsers()[2]!.id);
    const body = { roleDefinitionId: HELPDESK_ADMIN, principalId, directoryScopeId: "/" };
    const writes = await graphWrites(t.id);
    const add = await post(`/tenants/${t.id}/roleAssignments`, body);
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    expect(add.body).toMatchObject({ result: "assigned", changed: true });
    expect(await graphWrites(t.id)).toBe(writes + 1);
    const id = textOf(add.body.assignmentId);
    expect((await stored("roleAssignments", id))?.data).toMatchObject({ principalId, roleDefinitionId: HELPDESK_ADMIN });
    expect((await post(`/tenants/${t.id}/roleAssignments`, body)).body).toMatchObject({ result: "alreadyAssigned", changed: false, assignmentId: id });
    await syncAndWait(api, t.id);
    expect((await stored("roleAssignments", id))?.data.principalId).toBe(principalId);
    // Now a Helpdesk Administrator: disabling the account is refused as Graph would.
    const e = await refusedWithoutWrite(api, t.id, "PATCH", `/tenants/${t.id}/users/${principalId}`, { accountEnabled: false }, 403, "PrivilegedTargetUser");
    expect(e.message).toContain("Helpdesk Administrator");

    const remove = await del(`/tenants/${t.id}/roleAssignments/${id}`);
    expect(remove.body).toMatchObject({ result: "removed", changed: true });
    expect(await stored("roleAssignments", id)).toBeUndefined();
    await syncAndWait(api, t.id);
    expect(await stored("roleAssignments", id)).toBeUndefined();
    expect((await del(`/tenants/${t.id}/roleAssignments/${id}`)).body).toMatchObject({ result: "notAssigned", changed: false });
  });

  it("applies the role-assignable group rule before any Graph write", async () => {
    const e = await refusedWithoutWrite(api, t.id, "POST", `/tenants/${t.id}/roleAssignments`, { roleDefinitionId: SECURITY_READER, principalId: textOf(plainGroup().id) }, 400, "GroupNotRoleAssignable");
    expect(e.message).toContain("isAssignableToRole");
    await refusedWithoutWrite(api, t.id, "POST", `/tenants/${t.id}/roleEligibilities`, { roleDefinitionId: SECURITY_READER, principalId: textOf(plainGroup().id) }, 400, "GroupNotRoleAssignable");
    await refusedWithoutWrite(api, t.id, "POST", `/tenants/${t.id}/roleAssignments`, { roleDefinitionId: "11111111-2222-4333-8444-555555555555", principalId: textOf(plainUsers()[3]!.id) }, 400, "UnknownRoleDefinition");
    const ok = await post(`/tenants/${t.id}/roleAssignments`, { roleDefinitionId: SECURITY_READER, principalId: textOf(roleGroup().id) });
    expect(ok.body).toMatchObject({ result: "assigned", changed: true });
  });

  it("creates a PIM eligibility, idempotently; refused with the reason without Entra ID P2", async () => {
    const principalId = textOf(plainUsers()[4]!.id);
    const body = { roleDefinitionId: SECURITY_READER, principalId, directoryScopeId: "/", justification: "on call" };
    const first = await post(`/tenants/${t.id}/roleEligibilities`, body);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ result: "eligible", changed: true });
    expect((await post(`/tenants/${t.id}/roleEligibilities`, body)).body).toMatchObject({ result: "alreadyEligible", changed: false });
    const eligible = async () => {
      const rows = [];
      for await (const r of api.services.objects(t.id).list("roleEligibilities")) if (r.data.principalId === principalId && r.data.roleDefinitionId === SECURITY_READER) rows.push(r.id);
      return rows;
    };
    const atOnce = await eligible();
    expect(atOnce).toHaveLength(1);
    await syncAndWait(api, t.id);
    expect(await eligible()).toEqual(atOnce);

    const p1 = await createSimTenant({ spec: { users: 20, groups: 3, licences: { p1: true, p2: false } }, grantedPermissions: readAndWrite() });
    const app = p1.apps[0]!;
    expect((await api.call("POST", "/tenants", { body: { tenant: p1.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() } } })).status).toBe(201);
    await syncAndWait(api, p1.tenantId);
    const u = textOf((await simGet<Obj[]>(`/_sim/${p1.tenantId}/truth/users?select=id`))[0]!.id);
    const res = await post(`/tenants/${p1.tenantId}/roleEligibilities`, { roleDefinitionId: SECURITY_READER, principalId: u });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: "LicenceRequired" } });
    expect(JSON.stringify(res.body)).toContain("P2");
  });

  it("refuses a reader, and names the missing permission before any Graph write", async () => {
    const spPath = `/tenants/${t.id}/servicePrincipals/${textOf(sp.id)}/appRoleAssignments`;
    const appRoleId = textOf(((sp.appRoles as Obj[])[0]!).id);
    await refusedWithoutWrite(api, t.id, "POST", spPath, { principalId: textOf(plainUsers()[5]!.id), appRoleId }, 403, "Forbidden", api.reader);
    await refusedWithoutWrite(api, t.id, "POST", `/tenants/${t.id}/roleAssignments`, { roleDefinitionId: HELPDESK_ADMIN, principalId: textOf(plainUsers()[5]!.id) }, 403, "Forbidden", api.reader);
    await refusedWithoutWrite(api, t.id, "DELETE", `/tenants/${t.id}/roleAssignments/abc`, undefined, 403, "Forbidden", api.reader);

    const ro = await addTenant(api, { spec: { users: 20, groups: 3 } });
    const u = textOf((await simGet<Obj[]>(`/_sim/${ro.id}/truth/users?select=id`))[0]!.id);
    const cases = [
      ["POST", `/tenants/${ro.id}/servicePrincipals/${u}/appRoleAssignments`, { principalId: u, appRoleId }, "AppRoleAssignment.ReadWrite.All"],
      ["DELETE", `/tenants/${ro.id}/servicePrincipals/${u}/appRoleAssignments/abc`, undefined, "AppRoleAssignment.ReadWrite.All"],
      ["POST", `/tenants/${ro.id}/roleAssignments`, { roleDefinitionId: HELPDESK_ADMIN, principalId: u }, "RoleManagement.ReadWrite.Directory"],
      ["DELETE", `/tenants/${ro.id}/roleAssignments/abc`, undefined, "RoleManagement.ReadWrite.Directory"],
      ["POST", `/tenants/${ro.id}/roleEligibilities`, { roleDefinitionId: HELPDESK_ADMIN, principalId: u }, "RoleEligibilitySchedule.ReadWrite.Directory"],
    ] as const;
    for (const [method, path, body, permission] of cases) {
      const e = await refusedWithoutWrite(api, ro.id, method, path, body, 403, "MissingPermission");
      expect(e.details).toMatchObject({ permission });
    }
  });

  it("audits every action with who, when, tenant, target and result", async () => {
    const audit = await auditOf(api, t.id);
    const results = audit.map((a) => `${a.action}:${a.result}`);
    for (const r of ["grantAppRole:granted", "grantAppRole:alreadyGranted", "grantAppRole:refused:UnknownAppRole", "revokeAppRole:revoked", "revokeAppRole:notAssigned", "addRoleAssignment:assigned", "addRoleAssignment:alreadyAssigned", "addRoleAssignment:refused:GroupNotRoleAssignable", "removeRoleAssignment:removed", "removeRoleAssignment:notAssigned", "addRoleEligibility:eligible", "addRoleEligibility:alreadyEligible"]) {
      expect(results).toContain(r);
    }
    expect(audit.every((a) => a.actorId === inject("sim").service.admin.clientId && a.tenantId === t.id && Date.parse(a.at) > 0)).toBe(true);
    expect(audit.find((a) => a.action === "removeRoleAssignment")?.target).toMatch(/^roleAssignments\//);
  });
});
