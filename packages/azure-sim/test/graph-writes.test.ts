import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_READ, startHarness, type Harness } from "./graph-harness.js";

type Row = Record<string, unknown> & { id: string };
const WRITE = [...ALL_READ, "User.ReadWrite.All", "LicenseAssignment.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "RoleManagement.ReadWrite.Directory"];

describe("simulated Graph: provisioning writes answer with Graph's errors", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  const send = async (auth: string, method: string, path: string, body?: unknown) => {
    const res = await h.graph(path, auth, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { error?: { code: string; message: string } } };
  };
  const newUser = (domain: string, extra: Record<string, unknown> = {}) => ({
    accountEnabled: true,
    displayName: "Pat New",
    mailNickname: "pat.new",
    userPrincipalName: `pat.new@${domain}`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: "Xy7!long-enough" },
    ...extra,
  });

  it("creates a user (never echoing the password), shown by the next delta; refuses a duplicate UPN, an unverified domain, a weak password, a missing property", async () => {
    const { tenant, auth } = h.tenant({ users: 20, groups: 2 }, WRITE);
    let page = await send(auth, "GET", "/v1.0/users/delta?$select=displayName");
    while (typeof page.body["@odata.nextLink"] === "string") page = await send(auth, "GET", page.body["@odata.nextLink"]);
    const deltaLink = (page.body["@odata.deltaLink"] as string | undefined) ?? "";
    expect(deltaLink).not.toBe("");
    const created = await send(auth, "POST", "/v1.0/users", newUser(tenant.domain, { usageLocation: "FR" }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userPrincipalName: `pat.new@${tenant.domain}`, usageLocation: "FR", passwordProfile: null });
    expect(JSON.stringify(created.body)).not.toContain("Xy7!long-enough");
    const seen: Row[] = [];
    for (let next: string | undefined = deltaLink; next; ) {
      const p = await send(auth, "GET", next);
      seen.push(...(p.body.value as Row[]));
      next = p.body["@odata.nextLink"] as string | undefined;
    }
    expect(seen.map((u) => u.id)).toContain(created.body.id);

    const dup = await send(auth, "POST", "/v1.0/users", newUser(tenant.domain, { displayName: "Other" }));
    expect(dup.status).toBe(400);
    expect(dup.body.error?.message).toContain("same value for property userPrincipalName");
    const domain = await send(auth, "POST", "/v1.0/users", newUser("unverified.example"));
    expect(domain.body.error?.message).toContain("verified domain");
    const weak = await send(auth, "POST", "/v1.0/users", newUser(tenant.domain, { userPrincipalName: `w@${tenant.domain}`, passwordProfile: { password: "short" } }));
    expect(weak.body.error?.message).toContain("password complexity");
    const { mailNickname: _m, ...noNick } = newUser(tenant.domain, { userPrincipalName: `n@${tenant.domain}` });
    const missing = await send(auth, "POST", "/v1.0/users", noNick);
    expect(missing.status).toBe(400);
    expect(missing.body.error?.message).toContain("mailNickname");
  });

  it("lets User.EnableDisableAccount.All change accountEnabled and nothing else; refuses a privileged target with 403", async () => {
    const { tenant, auth } = h.tenant({ users: 20, groups: 2 }, [...ALL_READ, "User.EnableDisableAccount.All"]);
    const assignments = [...tenant.directory.extras.roleAssignments()];
    const admins = new Set(assignments.map((a) => a["principalId"] as string));
    const plain = [...tenant.directory.truth("users")].find((u) => !admins.has(u.id) && u["onPremisesSyncEnabled"] !== true)!;
    expect((await send(auth, "PATCH", `/v1.0/users/${plain.id}`, { accountEnabled: false })).status).toBe(204);
    expect(tenant.directory.get("users", plain.id)?.["accountEnabled"]).toBe(false);
    const other = await send(auth, "PATCH", `/v1.0/users/${plain.id}`, { accountEnabled: true, jobTitle: "x" });
    expect(other).toMatchObject({ status: 403, body: { error: { code: "Authorization_RequestDenied" } } });
    const ga = assignments.find((a) => a["roleDefinitionId"] === "62e90394-69f5-4237-9190-012177145e10")!;
    const priv = await send(auth, "PATCH", `/v1.0/users/${ga["principalId"] as string}`, { accountEnabled: false });
    expect(priv).toMatchObject({ status: 403, body: { error: { code: "Authorization_RequestDenied" } } });
    const create = await send(auth, "POST", "/v1.0/users", newUser(tenant.domain));
    expect(create).toMatchObject({ status: 403, body: { error: { code: "Authorization_RequestDenied" } } });
  });

  it("assignLicense: no usage location, no free units, a licence the user lacks", async () => {
    const { tenant, auth } = h.tenant({ users: 20, groups: 2 }, WRITE);
    const sku = [...tenant.directory.truth("subscribedSkus")][0]!;
    const skuId = sku["skuId"] as string;
    const u = [...tenant.directory.truth("users")].find((x) => !(x["assignedLicenses"] as Row[]).some((l) => l["skuId"] === skuId) && typeof x["usageLocation"] === "string")!;
    tenant.directory.update("users", u.id, { usageLocation: null });
    const noLoc = await send(auth, "POST", `/v1.0/users/${u.id}/assignLicense`, { addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] });
    expect(noLoc.body.error?.message).toBe("License assignment cannot be done for user with invalid usage location.");
    tenant.directory.update("users", u.id, { usageLocation: "US" });
    const enabled = Number((sku["prepaidUnits"] as Record<string, number>)["enabled"]);
    tenant.directory.update("subscribedSkus", sku.id, { consumedUnits: enabled });
    const full = await send(auth, "POST", `/v1.0/users/${u.id}/assignLicense`, { addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] });
    expect(full.body.error?.message).toContain("does not have any available licenses");
    tenant.directory.update("subscribedSkus", sku.id, { consumedUnits: enabled - 1 });
    const ok = await send(auth, "POST", `/v1.0/users/${u.id}/assignLicense`, { addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] });
    expect(ok.status).toBe(200);
    expect(tenant.directory.get("subscribedSkus", sku.id)?.["consumedUnits"]).toBe(enabled);
    const lacks = await send(auth, "POST", `/v1.0/users/${u.id}/assignLicense`, { addLicenses: [], removeLicenses: ["f30db892-07e9-47e9-837c-80727f46fd3e"] });
    expect(lacks.body.error?.message).toBe("User does not have a corresponding license.");
  });

  it("app role assignments need an app role the app defines; a repeat is Graph's 'already exists'; role assignments refuse a group that is not role-assignable", async () => {
    const { tenant, auth } = h.tenant({ users: 20, groups: 30 }, WRITE);
    const sp = [...tenant.directory.truth("servicePrincipals")].find((s) => Array.isArray(s["appRoles"]) && (s["appRoles"] as Row[]).length > 0)!;
    const role = (sp["appRoles"] as Row[])[0]!;
    const user = [...tenant.directory.truth("users")][3]!;
    const body = { principalId: user.id, resourceId: sp.id, appRoleId: role.id };
    expect((await send(auth, "POST", `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo`, body)).status).toBe(201);
    const again = await send(auth, "POST", `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo`, body);
    expect(again.body.error?.message).toBe("Permission being assigned already exists on the object.");
    const unknown = await send(auth, "POST", `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo`, { ...body, appRoleId: "00000000-0000-0000-0000-000000000000" });
    expect(unknown.body.error?.message).toContain("Permission being assigned was not found on application");
    const group = [...tenant.directory.truth("groups")].find((g) => g["isAssignableToRole"] !== true)!;
    const ra = await send(auth, "POST", "/v1.0/roleManagement/directory/roleAssignments", { roleDefinitionId: "5d6b6bb7-de71-4623-b4af-96380a352509", principalId: group.id, directoryScopeId: "/" });
    expect(ra.status).toBe(400);
    expect(ra.body.error?.message).toContain("role-assignable");
  });
});
