import { GraphError } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { READ_PERMISSIONS } from "../src/model.js";
import { simGet, simPost } from "../../../test/support/sim.js";
import { all, extrasTenant, type Page, type Row } from "./extras-support.js";

const tenant = extrasTenant;

async function graphError(p: Promise<unknown>): Promise<GraphError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error("expected a Graph error");
}

describe("simulated Graph: role management, consents, links and audits", () => {
  it("lists role definitions and assignments equal to the ground truth, some scoped to an administrative unit", async () => {
    const { t, client } = await tenant();
    const defs = await all<Row>(client, "/roleManagement/directory/roleDefinitions");
    expect(defs.items).toHaveLength(t.counts["roleDefinitions"]!);
    expect(defs.items[0]).toMatchObject({ isBuiltIn: true, templateId: defs.items[0]!.id });
    const assignments = await all<Row>(client, "/roleManagement/directory/roleAssignments?$top=5");
    expect(assignments.pages).toBeGreaterThan(1);
    const truth = await simGet<Row[]>(`/_sim/${t.tenantId}/truth/roleAssignments`);
    expect(assignments.items.map((a) => a.id).sort()).toEqual(truth.map((a) => a.id).sort());
    expect(truth).toHaveLength(t.counts["roleAssignments"]!);
    const scoped = assignments.items.filter((a) => String(a["directoryScopeId"]).startsWith("/administrativeUnits/"));
    expect(scoped.length).toBe(3);
    const one = assignments.items[0]!;
    const filtered = await all<Row>(client, `/roleManagement/directory/roleAssignments?$filter=principalId eq '${String(one["principalId"])}'`);
    expect(filtered.items.every((a) => a["principalId"] === one["principalId"])).toBe(true);
    expect(filtered.items.length).toBeGreaterThan(0);
  });

  it("serves PIM eligibilities with start and end only with P2, and the licence error without", async () => {
    const p2 = await tenant();
    const { items } = await all<Row>(p2.client, "/roleManagement/directory/roleEligibilityScheduleInstances");
    expect(items).toHaveLength(p2.t.counts["roleEligibilities"]!);
    expect(items.some((e) => e["endDateTime"] !== null) && items.some((e) => e["endDateTime"] === null)).toBe(true);
    expect(items.every((e) => typeof e["startDateTime"] === "string")).toBe(true);
    const p1 = await tenant({ licences: { p1: true, p2: false } });
    const err = await graphError(p1.client.api("/roleManagement/directory/roleEligibilityScheduleInstances").get());
    expect([err.statusCode, err.code]).toEqual([400, "AadPremiumLicenseRequired"]);
    const noPerm = await tenant({ permissions: READ_PERMISSIONS.filter((p) => p !== "RoleEligibilitySchedule.Read.Directory" && p !== "RoleManagement.Read.Directory") });
    expect((await graphError(noPerm.client.api("/roleManagement/directory/roleEligibilityScheduleInstances").get())).statusCode).toBe(403);
  });

  it("pages appRoleAssignedTo of every enterprise app to the ground truth, and lists consents", async () => {
    const { t, client } = await tenant();
    const sps = await all<Row>(client, "/servicePrincipals");
    let total = 0;
    for (const sp of sps.items) total += (await all<Row>(client, `/servicePrincipals/${sp.id}/appRoleAssignedTo?$top=2`)).items.length;
    expect(total).toBe(t.counts["appRoleAssignments"]);
    expect(total).toBeGreaterThan(8);
    const grants = await all<Row>(client, "/oauth2PermissionGrants");
    expect(grants.items).toHaveLength(t.counts["oauth2PermissionGrants"]!);
    expect(grants.items[0]).toHaveProperty("consentType");
  });

  it("serves owners, managers and administrative-unit members as the truth has them", async () => {
    const { t, client } = await tenant();
    const owners = await simGet<Array<{ parentType: string; parentId: string; ownerId: string }>>(`/_sim/${t.tenantId}/truth/owners`);
    expect(owners).toHaveLength(t.counts["owners"]!);
    const o = owners.find((x) => x.parentType === "groups")!;
    const listed = await all<Row>(client, `/groups/${o.parentId}/owners`);
    expect(listed.items.map((u) => u.id)).toContain(o.ownerId);
    expect(listed.items[0]!["@odata.type"]).toBe("#microsoft.graph.user");
    const managers = await simGet<Array<{ userId: string; managerId: string }>>(`/_sim/${t.tenantId}/truth/managers`);
    expect(managers).toHaveLength(t.counts["managers"]!);
    const m = managers[0]!;
    expect(((await client.api(`/users/${m.userId}/manager`).get()) as Row).id).toBe(m.managerId);
    const withManager = new Set(managers.map((x) => x.userId));
    const users = await all<Row>(client, "/users?$select=id");
    const none = users.items.find((u) => !withManager.has(u.id))!;
    expect((await graphError(client.api(`/users/${none.id}/manager`).get())).statusCode).toBe(404);
    const auMembers = await simGet<Array<{ administrativeUnitId: string; memberId: string }>>(`/_sim/${t.tenantId}/truth/administrativeUnitMembers`);
    const au = auMembers[0]!.administrativeUnitId;
    const members = await all<Row>(client, `/directory/administrativeUnits/${au}/members`);
    expect(members.items.map((x) => x.id).sort()).toEqual(auMembers.filter((x) => x.administrativeUnitId === au).map((x) => x.memberId).sort());
  });

  it("serves signInActivity only with a P1/P2 licence and AuditLog.Read.All, with Graph's 403 otherwise", async () => {
    const { t, client } = await tenant({ licences: { p1: true, p2: false } });
    const { items, pages } = await all<Row>(client, "/users?$select=id,signInActivity&$top=50");
    expect(items).toHaveLength(t.counts["users"]!);
    expect(pages).toBe(3);
    expect(items.find((u) => u["signInActivity"] && (u["signInActivity"] as Row)["lastSignInDateTime"])).toBeTruthy();
    expect((await graphError(client.api("/users?$select=id,signInActivity&$top=501").get())).statusCode).toBe(400);
    const free = await tenant({ licences: { p1: false, p2: false } });
    const err = await graphError(free.client.api("/users?$select=id,signInActivity").get());
    expect([err.statusCode, err.code]).toEqual([403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant"]);
    const noAudit = await tenant({ permissions: READ_PERMISSIONS.filter((p) => p !== "AuditLog.Read.All") });
    expect((await graphError(noAudit.client.api("/users?$select=id,signInActivity").get())).statusCode).toBe(403);
  });

  it("grows the directory audit log with every mutation, filtered by activityDateTime ge and paged", async () => {
    const { t, client } = await tenant();
    expect((await all<Row>(client, "/auditLogs/directoryAudits")).items).toHaveLength(0);
    const before = new Date(Date.now() - 1000).toISOString();
    await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 3, count: 12 });
    const { items, pages } = await all<Row>(client, `/auditLogs/directoryAudits?$filter=activityDateTime ge ${before}&$top=5`);
    const truth = await simGet<Row[]>(`/_sim/${t.tenantId}/truth/directoryAudits`);
    expect(items.length).toBe(truth.length);
    expect(items.length).toBeGreaterThanOrEqual(12);
    expect(pages).toBeGreaterThan(1);
    // Newest first (directoryaudit-list.md).
    expect(String(items[0]!["activityDateTime"]) >= String(items.at(-1)!["activityDateTime"])).toBe(true);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await all<Row>(client, `/auditLogs/directoryAudits?$filter=activityDateTime ge ${future}`)).items).toHaveLength(0);
    expect((await graphError(client.api("/auditLogs/directoryAudits?$filter=startswith(category,'U')").get())).statusCode).toBe(400);
  });

  it("mutates role assignments, app role assignments, owners and managers, each entry reflected in the truth and the audit log", async () => {
    const { t, client } = await tenant();
    const { applied } = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 9, count: 300 })) as { applied: Array<{ type: string; id: string; kind: string; memberId?: string; parentId?: string }> };
    const last = new Map<string, (typeof applied)[number]>();
    for (const a of applied) last.set(`${a.type}|${a.id}|${a.type === "owners" ? a.memberId : ""}`, a);
    const finals = [...last.values()];
    for (const type of ["roleAssignments", "appRoleAssignments", "owners", "managers"]) expect(finals.some((a) => a.type === type)).toBe(true);
    const assignments = new Set((await all<Row>(client, "/roleManagement/directory/roleAssignments")).items.map((a) => a.id));
    const users = new Set((await simGet<Row[]>(`/_sim/${t.tenantId}/truth/users?select=id`)).map((u) => u.id));
    for (const a of finals.filter((x) => x.type === "roleAssignments")) if (a.kind === "hardDelete") expect(assignments.has(a.id)).toBe(false);
    const parents = new Set<string>();
    for (const type of ["groups", "applications", "servicePrincipals"]) for (const o of await simGet<Row[]>(`/_sim/${t.tenantId}/truth/${type}?select=id`)) parents.add(o.id);
    const owners = new Set((await simGet<Array<{ parentId: string; ownerId: string }>>(`/_sim/${t.tenantId}/truth/owners`)).map((o) => `${o.parentId}|${o.ownerId}`));
    for (const a of finals.filter((x) => x.type === "owners")) {
      if (a.kind === "memberRemove") expect(owners.has(`${a.id}|${a.memberId}`)).toBe(false);
      else if (users.has(a.memberId!) && parents.has(a.id)) expect(owners.has(`${a.id}|${a.memberId}`)).toBe(true);
    }
    const managers = new Map((await simGet<Array<{ userId: string; managerId: string }>>(`/_sim/${t.tenantId}/truth/managers`)).map((m) => [m.userId, m.managerId]));
    for (const a of finals.filter((x) => x.type === "managers" && users.has(x.id))) {
      if (a.kind === "hardDelete") expect(managers.has(a.id)).toBe(false);
      else if (users.has(a.memberId!)) expect(managers.get(a.id)).toBe(a.memberId);
    }
    const audits = await simGet<Row[]>(`/_sim/${t.tenantId}/truth/directoryAudits`);
    expect(audits.length).toBeGreaterThanOrEqual(300);
    expect(audits.some((a) => a["activityDisplayName"] === "Add member to role")).toBe(true);
  });

  it("answers a $batch of up to 20 requests item by item, with a 429 and its Retry-After per item, and refuses 21", async () => {
    const { t, client } = await tenant({ spec: { extraServicePrincipals: 30 } });
    const sps = (await all<Row>(client, "/servicePrincipals?$select=id")).items.slice(0, 21);
    const requests = sps.map((sp, i) => ({ id: String(i + 1), method: "GET", url: `/servicePrincipals/${sp.id}/appRoleAssignedTo` }));
    type Batch = { responses: Array<{ id: string; status: number; headers?: Record<string, string>; body?: { value?: Row[] } }> };
    const ok = (await client.api("/$batch").post({ requests: requests.slice(0, 20) })) as Batch;
    expect(ok.responses.map((r) => r.id).sort()).toEqual(requests.slice(0, 20).map((r) => r.id).sort());
    const truth = await simGet<Row[]>(`/_sim/${t.tenantId}/truth/appRoleAssignments`);
    const got = ok.responses.flatMap((r) => r.body?.value ?? []);
    const wanted = new Set(sps.slice(0, 20).map((s) => s.id));
    expect(got).toHaveLength(truth.filter((a) => wanted.has(a["resourceId"] as string)).length);
    expect((await graphError(client.api("/$batch").post({ requests }))).statusCode).toBe(400);
    await simPost(`/_sim/${t.tenantId}/faults`, { seed: 3, rate429: 0.5, retryAfterSeconds: 2 }, "PUT");
    try {
      let throttled: Batch["responses"] = [];
      for (let k = 0; k < 5 && throttled.length === 0; k++) {
        try {
          const b = (await client.api("/$batch").post({ requests: requests.slice(0, 20) })) as Batch;
          throttled = b.responses.filter((r) => r.status === 429);
          if (throttled.length > 0) expect(b.responses.some((r) => r.status === 200)).toBe(true);
        } catch {
          // The batch request itself may be throttled as a whole.
        }
      }
      expect(throttled.length).toBeGreaterThan(0);
      expect(throttled[0]!.headers?.["Retry-After"]).toBe("2");
    } finally {
      await simPost(`/_sim/${t.tenantId}/faults`, {}, "PUT");
    }
  });

  it("pages /oauth2PermissionGrants/delta to the truth, then the consents granted and revoked bring the copy to the truth", async () => {
    const { t, client } = await tenant({ spec: { extraServicePrincipals: 20 } });
    let page = (await client.api("/oauth2PermissionGrants/delta").get()) as Page<Row> & { "@odata.deltaLink"?: string };
    const first: Row[] = [...page.value];
    while (page["@odata.nextLink"]) {
      page = (await client.api(page["@odata.nextLink"]).get()) as typeof page;
      first.push(...page.value);
    }
    expect(first).toHaveLength(t.counts["oauth2PermissionGrants"]!);
    const { applied } = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 11, count: 400 })) as { applied: Array<{ type: string; id: string; kind: string }> };
    const last = new Map<string, string>();
    for (const a of applied) if (a.type === "oauth2PermissionGrants") last.set(a.id, a.kind);
    expect(last.size).toBeGreaterThan(0);
    const round = (await client.api(page["@odata.deltaLink"]!).get()) as Page<Row> & { "@odata.deltaLink"?: string };
    expect(round["@odata.deltaLink"]).toBeTruthy();
    // Every consent granted or revoked comes back; so do those that went with a deleted client or user.
    const reported = new Set(round.value.map((g) => g.id));
    for (const id of last.keys()) expect(reported.has(id)).toBe(true);
    for (const g of round.value) if (last.get(g.id) === "hardDelete") expect("@removed" in g).toBe(true);
    const state = new Set(first.map((g) => g.id));
    for (const g of round.value) if ("@removed" in g) state.delete(g.id);
    else state.add(g.id);
    const truth = await simGet<Row[]>(`/_sim/${t.tenantId}/truth/oauth2PermissionGrants`);
    expect([...state].sort()).toEqual(truth.map((g) => g.id).sort());
  });
});
