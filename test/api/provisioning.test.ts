import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { textOf } from "../../src/domain/text.js";
import { startApi, type TestApi } from "../support/api.js";
import { simGet, simPost } from "../support/sim.js";
import { addTenant, allEntities, syncAndWait, type AddedTenant, type Json } from "./helpers.js";
import { auditOf, graphWrites, readAndWrite, refusedWithoutWrite } from "../provisioning/support.js";

type Obj = Record<string, Json>;

describe("provisioning: accounts and licences", () => {
  let api: TestApi;
  let t: AddedTenant;
  let users: Obj[];
  let skus: Obj[];
  /** Every response body this file read, to scan for the initial password. */
  const bodies: Array<{ path: string; text: string }> = [];
  const call = async (method: string, path: string, o: { body?: unknown; token?: string } = {}) => {
    const res = await api.call(method, path, o);
    const text = await res.text();
    bodies.push({ path, text });
    return { status: res.status, json: <T = Obj>() => JSON.parse(text) as T };
  };
  const stored = (type: string, id: string) => api.services.objects(t.id).get(type, id);
  const truthUser = async (id: string) => (await simGet<Obj[]>(`/_sim/${t.id}/truth/users?select=id,accountEnabled,assignedLicenses,usageLocation`)).find((u) => u.id === id);
  let created: { userId: string; passwordSecret: string; result: string; changed: boolean };

  beforeAll(async () => {
    // Several delta rounds per tenant here: past the default Sync Now allowance of 4 a day.
    api = await startApi({ SYNC_NOW_DAILY_LIMIT: "20" });
    t = await addTenant(api, { spec: { users: 60, groups: 8 }, grantedPermissions: readAndWrite() });
    await syncAndWait(api, t.id);
    users = await simGet<Obj[]>(`/_sim/${t.id}/truth/users?select=id,userPrincipalName,displayName,onPremisesSyncEnabled,userType,usageLocation,assignedLicenses,accountEnabled`);
    skus = await simGet<Obj[]>(`/_sim/${t.id}/truth/subscribedSkus`);
  });
  afterAll(async () => api?.stop());

  const privileged = async () => {
    const assignments = await simGet<Obj[]>(`/_sim/${t.id}/truth/roleAssignments`);
    return assignments.filter((a) => a.roleDefinitionId === "62e90394-69f5-4237-9190-012177145e10" && a.directoryScopeId === "/").map((a) => textOf(a.principalId));
  };
  const plainUser = async (skip: readonly string[]) => {
    const admins = new Set(await privileged());
    const all = await simGet<Obj[]>(`/_sim/${t.id}/truth/roleAssignments`);
    const anyRole = new Set(all.map((a) => textOf(a.principalId)));
    return users.find((u) => u.onPremisesSyncEnabled !== true && u.userType === "Member" && !admins.has(textOf(u.id)) && !anyRole.has(textOf(u.id)) && !skip.includes(textOf(u.id)))!;
  };

  it("creates a user: in the store at once and after the next delta; the password only in Key Vault", async () => {
    const writes = await graphWrites(t.id);
    const res = await call("POST", `/tenants/${t.id}/users`, { body: { userPrincipalName: `new.hire@${t.sim.domain}`, displayName: "New Hire", mailNickname: "new.hire", accountEnabled: true, usageLocation: "GB" } });
    expect(res.status, JSON.stringify(res.json())).toBe(201);
    created = res.json();
    expect(created).toMatchObject({ result: "created", changed: true });
    expect(created.passwordSecret).toMatch(/^ipw-/);
    expect(await graphWrites(t.id)).toBe(writes + 1);
    expect((await stored("users", created.userId))?.data).toMatchObject({ userPrincipalName: `new.hire@${t.sim.domain}`, usageLocation: "GB" });
    const secret = await api.services.secrets.get(created.passwordSecret);
    expect(secret?.value).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{20}$/);
    await syncAndWait(api, t.id);
    expect((await stored("users", created.userId))?.data.displayName).toBe("New Hire");
    expect(await truthUser(created.userId)).toBeDefined();
  });

  it("repeats the create without a Graph write", async () => {
    const writes = await graphWrites(t.id);
    const again = await call("POST", `/tenants/${t.id}/users`, { body: { userPrincipalName: `new.hire@${t.sim.domain}`, displayName: "New Hire", mailNickname: "new.hire", accountEnabled: true, usageLocation: "GB" } });
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ userId: created.userId, passwordSecret: created.passwordSecret, result: "alreadyExists", changed: false });
    expect(await graphWrites(t.id)).toBe(writes);
  });

  it("refuses an unverified domain before any Graph write, and maps Graph's duplicate UPN", async () => {
    const e = await refusedWithoutWrite(api, t.id, "POST", `/tenants/${t.id}/users`, { userPrincipalName: "x@contoso.example", displayName: "X", mailNickname: "x", accountEnabled: true }, 400, "DomainNotVerified");
    expect(e.message).toContain(t.sim.domain);
    await refusedWithoutWrite(api, t.id, "POST", `/tenants/${t.id}/users`, { userPrincipalName: "no-domain", displayName: "X", mailNickname: "x", accountEnabled: true }, 400, "ValidationError");
    // A UPN another (generated) user holds, under another display name: Graph's own 400, mapped.
    const taken = users.find((u) => u.userType === "Member")!;
    const res = await call("POST", `/tenants/${t.id}/users`, { body: { userPrincipalName: textOf(taken.userPrincipalName), displayName: "Someone Else", mailNickname: "someone.else", accountEnabled: true } });
    expect(res.status).toBe(409);
    expect(res.json<{ error: { code: string } }>().error.code).toBe("UserPrincipalNameTaken");
  });

  it("gives the initial password once, through an audited admin read", async () => {
    const path = `/tenants/${t.id}/initial-passwords/${created.passwordSecret}/read`;
    expect((await call("POST", path, { token: api.reader })).status).toBe(403);
    const first = await call("POST", path);
    expect(first.status).toBe(200);
    expect(first.json<{ password: string }>().password).toHaveLength(20);
    expect((await call("POST", path)).status).toBe(404);
    expect(await api.services.secrets.get(created.passwordSecret)).toBeUndefined();
    const audit = await auditOf(api, t.id);
    expect(audit.filter((a) => a.action === "readInitialPassword").map((a) => a.result)).toEqual(["refused:NotFound", "read"]);
  });

  it("disables and enables an account, idempotently, visible at once and after the next delta", async () => {
    const u = textOf((await plainUser([])).id);
    const writes = await graphWrites(t.id);
    const off = await call("PATCH", `/tenants/${t.id}/users/${u}`, { body: { accountEnabled: false } });
    expect(off.status).toBe(200);
    expect(off.json()).toMatchObject({ accountEnabled: false, changed: true, result: "disabled" });
    expect((await stored("users", u))?.data.accountEnabled).toBe(false);
    expect(await graphWrites(t.id)).toBe(writes + 1);
    const again = await call("PATCH", `/tenants/${t.id}/users/${u}`, { body: { accountEnabled: false } });
    expect(again.json()).toMatchObject({ changed: false, result: "alreadyDisabled" });
    await syncAndWait(api, t.id);
    expect((await stored("users", u))?.data.accountEnabled).toBe(false);
    expect((await truthUser(u))?.accountEnabled).toBe(false);
    const on = await call("PATCH", `/tenants/${t.id}/users/${u}`, { body: { accountEnabled: true } });
    expect(on.json()).toMatchObject({ changed: true, result: "enabled" });
    await refusedWithoutWrite(api, t.id, "PATCH", `/tenants/${t.id}/users/${u}`, { accountEnabled: true, displayName: "x" }, 400, "ValidationError");
  });

  it("refuses a privileged user with the role named and the role the app needs; an on-prem user with where to change it", async () => {
    const admin = (await privileged())[0]!;
    for (const [method, body] of [["PATCH", { accountEnabled: false }], ["DELETE", undefined]] as const) {
      const e = await refusedWithoutWrite(api, t.id, method, `/tenants/${t.id}/users/${admin}`, body, 403, "PrivilegedTargetUser");
      expect(e.message).toContain("Global Administrator");
      expect(e.details).toMatchObject({ requiredAppRole: "Privileged Authentication Administrator" });
    }
    const synced = textOf(users.find((u) => u.onPremisesSyncEnabled === true)!.id);
    const e = await refusedWithoutWrite(api, t.id, "PATCH", `/tenants/${t.id}/users/${synced}`, { accountEnabled: false }, 409, "UserSyncedFromOnPremises");
    expect(e.message).toContain("on-premises");
  });

  it("soft-deletes a user, idempotently; gone from the store at once and after the next delta", async () => {
    const u = textOf((await plainUser([])).id);
    const res = await call("DELETE", `/tenants/${t.id}/users/${u}`);
    expect(res.json()).toMatchObject({ result: "deleted", changed: true });
    expect(await stored("users", u)).toBeUndefined();
    await syncAndWait(api, t.id);
    expect(await stored("users", u)).toBeUndefined();
    expect(await truthUser(u)).toBeUndefined();
    const again = await call("DELETE", `/tenants/${t.id}/users/${u}`);
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ result: "alreadyDeleted", changed: false });
  });

  it("assigns and removes a licence with disabled plans, idempotently", async () => {
    const sku = skus.find((s) => s.skuPartNumber === "FLOW_FREE")!;
    const skuId = textOf(sku.skuId);
    const holder = (u: Obj) => Array.isArray(u.assignedLicenses) && u.assignedLicenses.some((l) => (l as Obj).skuId === skuId);
    const admins = new Set(await privileged());
    const u = textOf(users.find((x) => x.userType === "Member" && typeof x.usageLocation === "string" && !holder(x) && !admins.has(textOf(x.id)) && x.id !== created.userId)!.id);
    const plan = "0f9b09cb-62d1-4ff4-9129-43f4996f83f4";
    const writes = await graphWrites(t.id);
    const add = await call("POST", `/tenants/${t.id}/users/${u}/licences`, { body: { addLicenses: [{ skuId, disabledPlans: [plan] }] } });
    expect(add.status, JSON.stringify(add.json())).toBe(200);
    expect(add.json()).toMatchObject({ result: "assigned", changed: true });
    expect(await graphWrites(t.id)).toBe(writes + 1);
    expect((await stored("users", u))?.data.assignedLicenses).toContainEqual({ skuId, disabledPlans: [plan] });
    const again = await call("POST", `/tenants/${t.id}/users/${u}/licences`, { body: { addLicenses: [{ skuId, disabledPlans: [plan] }] } });
    expect(again.json()).toMatchObject({ result: "unchanged", changed: false });
    expect(await graphWrites(t.id)).toBe(writes + 1);
    await syncAndWait(api, t.id);
    expect((await stored("users", u))?.data.assignedLicenses).toContainEqual({ skuId, disabledPlans: [plan] });
    const remove = await call("POST", `/tenants/${t.id}/users/${u}/licences`, { body: { removeLicenses: [skuId] } });
    expect(remove.json()).toMatchObject({ result: "assigned", changed: true });
    expect(holder((await truthUser(u))!)).toBe(false);
    const removeAgain = await call("POST", `/tenants/${t.id}/users/${u}/licences`, { body: { removeLicenses: [skuId] } });
    expect(removeAgain.json()).toMatchObject({ result: "unchanged", changed: false });
  });

  it("refuses a licence without a usage location or free units: Graph's errors mapped, then refused before any write", async () => {
    const sku = skus.find((s) => s.skuPartNumber === "POWER_BI_STANDARD")!;
    const skuId = textOf(sku.skuId);
    const admins = new Set(await privileged());
    const candidates = users.filter((x) => x.userType === "Member" && typeof x.usageLocation === "string" && !admins.has(textOf(x.id)) && !(x.assignedLicenses as Obj[]).some((l) => l.skuId === skuId));
    const [nowhere, someone] = [textOf(candidates[0]!.id), textOf(candidates[1]!.id)];
    const path = (u: string) => `/tenants/${t.id}/users/${u}/licences`;
    const body = { addLicenses: [{ skuId }] };
    // Changed in Graph after the last sync: the store still says otherwise, so Graph answers, and its error is mapped.
    await simPost(`/_sim/${t.id}/objects/users/${nowhere}`, { usageLocation: null }, "PATCH");
    const enabled = Number((sku.prepaidUnits as Obj).enabled);
    await simPost(`/_sim/${t.id}/objects/subscribedSkus/${textOf(sku.id)}`, { consumedUnits: enabled }, "PATCH");
    const r1 = await call("POST", path(nowhere), { body });
    expect(r1.status).toBe(409);
    expect(r1.json<{ error: { code: string } }>().error.code).toBe("UsageLocationMissing");
    const r2 = await call("POST", path(someone), { body });
    expect(r2.status).toBe(409);
    expect(r2.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: "NoFreeLicences" });
    // Once synced, the service knows and refuses without asking Graph.
    await syncAndWait(api, t.id);
    const e1 = await refusedWithoutWrite(api, t.id, "POST", path(nowhere), body, 409, "UsageLocationMissing");
    expect(e1.message).toContain("usage location");
    const e2 = await refusedWithoutWrite(api, t.id, "POST", path(someone), body, 409, "NoFreeLicences");
    expect(e2.message).toContain("POWER_BI_STANDARD");
    await refusedWithoutWrite(api, t.id, "POST", path(someone), { addLicenses: [{ skuId: "not-a-guid" }] }, 400, "ValidationError");
  });

  it("refuses a reader on every provisioning route", async () => {
    const u = textOf(users[0]!.id);
    for (const [method, path, body] of [
      ["POST", `/tenants/${t.id}/users`, { userPrincipalName: `r@${t.sim.domain}`, displayName: "R", mailNickname: "r", accountEnabled: true }],
      ["PATCH", `/tenants/${t.id}/users/${u}`, { accountEnabled: false }],
      ["DELETE", `/tenants/${t.id}/users/${u}`, undefined],
      ["POST", `/tenants/${t.id}/users/${u}/licences`, { removeLicenses: [textOf(skus[0]!.skuId)] }],
    ] as const) {
      const e = await refusedWithoutWrite(api, t.id, method, path, body, 403, "Forbidden", api.reader);
      expect(e.message).toContain("Sync.Admin");
    }
  });

  it("names the missing permission, before any Graph write, and test connection says what is allowed", async () => {
    const ro = await addTenant(api, { spec: { users: 20, groups: 3 } });
    await syncAndWait(api, ro.id);
    const u = textOf((await simGet<Obj[]>(`/_sim/${ro.id}/truth/users?select=id`))[0]!.id);
    const cases = [
      ["POST", `/tenants/${ro.id}/users`, { userPrincipalName: `a@${ro.sim.domain}`, displayName: "A", mailNickname: "a", accountEnabled: true }, "User.ReadWrite.All"],
      ["PATCH", `/tenants/${ro.id}/users/${u}`, { accountEnabled: false }, "User.EnableDisableAccount.All"],
      ["DELETE", `/tenants/${ro.id}/users/${u}`, undefined, "User.DeleteRestore.All"],
      ["POST", `/tenants/${ro.id}/users/${u}/licences`, { removeLicenses: ["6fd2c87f-b296-42f0-b197-1e91e994b900"] }, "LicenseAssignment.ReadWrite.All"],
    ] as const;
    for (const [method, path, body, permission] of cases) {
      const e = await refusedWithoutWrite(api, ro.id, method, path, body, 403, "MissingPermission");
      expect(e.message).toContain(permission);
      expect(e.details).toMatchObject({ permission });
    }
    const report = (await call("POST", `/tenants/${ro.id}/test`)).json<{ provisioning: Record<string, boolean> }>();
    expect(Object.values(report.provisioning).every((v) => !v)).toBe(true);
    const full = (await call("POST", `/tenants/${t.id}/test`)).json<{ provisioning: Record<string, boolean> }>();
    expect(full.provisioning).toMatchObject({ createUser: true, setAccountEnabled: true, deleteUser: true, assignLicences: true, grantAppRole: true, addRoleAssignment: true, addRoleEligibility: true });
  });

  it("audits every action: who, when, tenant, target, action and result", async () => {
    const audit = await auditOf(api, t.id);
    const results = audit.map((a) => `${a.action}:${a.result}`);
    for (const r of ["createUser:created", "createUser:alreadyExists", "createUser:refused:DomainNotVerified", "createUser:refused:UserPrincipalNameTaken", "setAccountEnabled:disabled", "setAccountEnabled:alreadyDisabled", "setAccountEnabled:refused:PrivilegedTargetUser", "deleteUser:deleted", "deleteUser:alreadyDeleted", "assignLicences:assigned", "assignLicences:unchanged", "assignLicences:refused:NoFreeLicences", "assignLicences:refused:UsageLocationMissing"]) {
      expect(results).toContain(r);
    }
    expect(audit.every((a) => a.actorId === inject("sim").service.admin.clientId && a.tenantId === t.id)).toBe(true);
    expect(audit.find((a) => a.action === "deleteUser")?.target).toMatch(/^users\/[0-9a-f-]{36}$/);
  });

  it("the initial password appears in no response body (but its one read), log line or table entity", async () => {
    const password = bodies.map((b) => b.text).map((x) => /"password":"([^"]+)"/.exec(x)?.[1]).find((p) => p !== undefined)!;
    expect(password).toHaveLength(20);
    const forms = [password, encodeURIComponent(password), Buffer.from(password).toString("base64"), JSON.stringify(password).slice(1, -1)];
    const hit = (x: string) => forms.some((f) => x.includes(f));
    expect(bodies.filter((b) => hit(b.text)).map((b) => b.path)).toEqual([`/tenants/${t.id}/initial-passwords/${created.passwordSecret}/read`]);
    expect(api.logs.filter(hit)).toEqual([]);
    const entities = (await allEntities(api)).map(({ table, entity }) => `${table} ${JSON.stringify(entity)}`);
    expect(entities.length).toBeGreaterThan(0);
    expect(entities.filter(hit)).toEqual([]);
  });
});
