import { describe, expect, it } from "vitest";
import { deltaPage, fakeGraph, freshStores, GRAPH, graphError, round, stored, tokenOf } from "./fake-graph.js";

const role = (id: string, displayName: string) => ({ id, displayName, description: `${displayName} role`, isBuiltIn: true, isEnabled: true, templateId: id, version: "1", resourceScopes: ["/"], rolePermissions: [{ allowedResourceActions: ["microsoft.directory/users/basic/update"], condition: null }] });
const assignment = (id: string, principalId: string, roleDefinitionId: string, directoryScopeId = "/") => ({ id, principalId, roleDefinitionId, directoryScopeId, appScopeId: null, condition: null });
const grant = (id: string, scope: string) => ({ id, clientId: "c1", consentType: "AllPrincipals", principalId: null, resourceId: "r1", scope });

describe("role definitions, role assignments and delegated consents", () => {
  it("lists role definitions and assignments page by page with $select, tenant-wide and admin-unit scopes kept", async () => {
    const { source, calls } = fakeGraph((url) => {
      if (url.pathname === "/v1.0/roleManagement/directory/roleDefinitions") return { value: [role("d1", "Global Reader"), role("d2", "User Administrator")] };
      if (url.pathname === "/v1.0/roleManagement/directory/roleAssignments") {
        if (url.searchParams.get("$skiptoken") === "2") return { value: [assignment("a2-1", "u2", "d2", "/administrativeUnits/au1")] };
        return { value: [assignment("a1-1", "u1", "d1")], "@odata.nextLink": `${GRAPH}/v1.0/roleManagement/directory/roleAssignments?$skiptoken=2` };
      }
      throw new Error(`unexpected ${url.pathname}`);
    });
    const stores = await freshStores("t1");
    const { streams } = await round(stores, source, "t1", "run-1", ["roleDefinitions", "roleAssignments"]);
    expect(streams.get("roleAssignments")?.status).toBe("done");
    const defs = await stored(stores, "roleDefinitions");
    expect(defs.size).toBe(2);
    expect(defs.get("d2")).toMatchObject({ displayName: "User Administrator", isBuiltIn: true, templateId: "d2", "#name": "user administrator" });
    const assigned = await stored(stores, "roleAssignments");
    expect([...assigned.keys()].sort()).toEqual(["a1-1", "a2-1"]);
    expect(assigned.get("a2-1")).toMatchObject({ principalId: "u2", roleDefinitionId: "d2", directoryScopeId: "/administrativeUnits/au1" });
    // The documented $select (rbacapplication-list-roleassignments.md) on the first page only; the nextLink is followed as sent.
    const first = calls.find((c) => c.url.pathname.endsWith("/roleAssignments") && !c.url.searchParams.has("$skiptoken"));
    expect(first?.url.searchParams.get("$select")?.split(",")).toEqual(["principalId", "roleDefinitionId", "directoryScopeId", "appScopeId", "condition"]);
    expect(calls.some((c) => c.url.pathname.endsWith("/delta"))).toBe(false);
  });

  it("a revoked role assignment is gone after the next list", async () => {
    let revoked = false;
    const { source } = fakeGraph((url) => {
      if (url.pathname === "/v1.0/roleManagement/directory/roleAssignments") return { value: revoked ? [assignment("a1", "u1", "d1")] : [assignment("a1", "u1", "d1"), assignment("a2", "u2", "d1")] };
      throw new Error(`unexpected ${url.pathname}`);
    });
    const stores = await freshStores("t2");
    await round(stores, source, "t2", "run-1", ["roleAssignments"]);
    revoked = true;
    const { finish } = await round(stores, source, "t2", "run-2", ["roleAssignments"]);
    expect(finish.status).toBe("succeeded");
    expect([...(await stored(stores, "roleAssignments")).keys()]).toEqual(["a1"]);
  });

  it("oauth2PermissionGrants follow delta: a changed scope and a revoked consent apply exactly", async () => {
    const { source, calls } = fakeGraph((url) => {
      if (url.pathname !== "/v1.0/oauth2PermissionGrants/delta") throw new Error(`unexpected ${url.pathname}`);
      const token = tokenOf(url);
      if (token === "") return deltaPage("oauth2PermissionGrants", [grant("g1", "User.Read"), grant("g2", "Mail.Read")], { delta: "d1" });
      return deltaPage("oauth2PermissionGrants", [{ id: "g1", scope: "User.Read Mail.Send" }, { id: "g2", "@removed": { reason: "deleted" } }], { delta: "d2" });
    });
    const stores = await freshStores("t3");
    await round(stores, source, "t3", "run-1", ["oauth2PermissionGrants"]);
    const { streams, finish } = await round(stores, source, "t3", "run-2", ["oauth2PermissionGrants"]);
    expect(streams.get("oauth2PermissionGrants")?.mode).toBe("delta");
    expect(finish.status).toBe("succeeded");
    const grants = await stored(stores, "oauth2PermissionGrants");
    expect([...grants.keys()]).toEqual(["g1"]);
    // The changed item carried only its scope: the stored grant keeps the rest.
    expect(grants.get("g1")).toMatchObject({ clientId: "c1", consentType: "AllPrincipals", resourceId: "r1", scope: "User.Read Mail.Send" });
    expect(calls.filter((c) => tokenOf(c.url) === "d1")).toHaveLength(1);
  });
});

describe("PIM role eligibilities", () => {
  const PATH = "/v1.0/roleManagement/directory/roleEligibilityScheduleInstances";
  const eligible = (id: string, endDateTime: string | null) => ({ id, principalId: "u1", roleDefinitionId: "d1", directoryScopeId: "/administrativeUnits/au1", appScopeId: null, startDateTime: "2026-11-01T00:00:00Z", endDateTime, memberType: "Direct", roleEligibilityScheduleId: `s-${id}` });

  it("stores each eligibility with its start and end", async () => {
    const { source } = fakeGraph((url) => {
      if (url.pathname === PATH) return { value: [eligible("e1", "2027-01-01T00:00:00Z"), eligible("e2", null)] };
      throw new Error(`unexpected ${url.pathname}`);
    });
    const stores = await freshStores("pim-1");
    await round(stores, source, "pim-1", "run-1", ["roleEligibilities"]);
    const rows = await stored(stores, "roleEligibilities");
    expect(rows.get("e1")).toMatchObject({ startDateTime: "2026-11-01T00:00:00Z", endDateTime: "2027-01-01T00:00:00Z", directoryScopeId: "/administrativeUnits/au1" });
    expect(rows.get("e2")).toMatchObject({ endDateTime: null });
  });

  it("without P2 the kind is skipped with Graph's own text, and the other kinds succeed", async () => {
    // Graph's answer without P2 (as reported in maester365/maester#1421).
    const { source } = fakeGraph((url) => {
      if (url.pathname === PATH) return graphError(400, { code: "AadPremiumLicenseRequired", message: "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license." });
      if (url.pathname === "/v1.0/roleManagement/directory/roleAssignments") return { value: [assignment("a1", "u1", "d1")] };
      throw new Error(`unexpected ${url.pathname}`);
    });
    const stores = await freshStores("pim-2");
    const { streams, finish } = await round(stores, source, "pim-2", "run-1", ["roleEligibilities", "roleAssignments"]);
    expect(streams.get("roleEligibilities")).toMatchObject({ status: "skipped", missingPermission: null });
    expect(streams.get("roleEligibilities")?.error).toContain("The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.");
    expect(streams.get("roleAssignments")?.status).toBe("done");
    expect(finish.status).toBe("succeeded");
  });

  it("without the permission the kind is skipped naming RoleEligibilitySchedule.Read.Directory", async () => {
    const { source } = fakeGraph(() => graphError(403, { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." }));
    const stores = await freshStores("pim-3");
    const { streams } = await round(stores, source, "pim-3", "run-1", ["roleEligibilities"]);
    expect(streams.get("roleEligibilities")).toMatchObject({ status: "skipped", missingPermission: "RoleEligibilitySchedule.Read.Directory" });
  });
});
