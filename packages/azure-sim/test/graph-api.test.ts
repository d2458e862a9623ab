import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_PERMISSIONS } from "../src/graph/routes.js";
import { memberWriteBlock } from "../src/graph/groupRules.js";
import { ALL_READ, bearer, startHarness, type Harness } from "./graph-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

type Obj = Record<string, unknown>;
type GraphErrorBody = { error: { code: string; message: string; innerError: Obj } };
const SPEC = { users: 250, groups: 30, devices: 40, largeGroupMembers: 240, avgGroupMembers: 5, applications: 3 };
const WRITE = [...ALL_READ, "GroupMember.ReadWrite.All"];

describe("auth and permissions", () => {
  it("401 InvalidAuthenticationToken without a valid token", async () => {
    const res = await fetch(`${h.baseUrl}/v1.0/users`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as GraphErrorBody).error.code).toBe("InvalidAuthenticationToken");
    const unknownTenant = await h.graph("/v1.0/users", bearer("00000000-0000-4000-8000-00000000dead", ALL_READ));
    expect(unknownTenant.status).toBe(401);
  });

  it("403 Authorization_RequestDenied with Graph's body when the role is missing", async () => {
    const { auth } = h.tenant(SPEC, ALL_READ.filter((p) => p !== "Device.Read.All"));
    const res = await h.graph("/v1.0/devices/delta", auth, { headers: { "client-request-id": "abc-123" } });
    expect(res.status).toBe(403);
    const body = (await res.json()) as GraphErrorBody;
    expect(body.error.code).toBe("Authorization_RequestDenied");
    expect(body.error.message).toBe("Insufficient privileges to complete the operation.");
    expect(body.error.innerError).toMatchObject({ date: expect.any(String) as unknown, "request-id": expect.any(String) as unknown, "client-request-id": "abc-123" });
    expect((await h.graph("/v1.0/users/delta", auth)).status).toBe(200);
  });

  it("accepts Directory.Read.All for every read", async () => {
    const { auth } = h.tenant(SPEC, ["Directory.Read.All"]);
    for (const path of ["/v1.0/users", "/v1.0/groups/delta", "/v1.0/devices", "/v1.0/applications", "/v1.0/servicePrincipals/delta", "/v1.0/directoryRoles", "/v1.0/subscribedSkus", "/v1.0/organization", "/v1.0/administrativeUnits/delta"]) {
      expect((await h.graph(path, auth)).status, path).toBe(200);
    }
    expect(GRAPH_PERMISSIONS.groupMembersWrite).not.toContain("Directory.Read.All");
  });
});

describe("lists and reads", () => {
  it("pages GET /users with $top and $select, and refuses $top above 999", async () => {
    const { auth } = h.tenant(SPEC);
    let url: string | undefined = "/v1.0/users?$top=100&$select=userPrincipalName";
    const ids: string[] = [];
    let pages = 0;
    while (url) {
      const page = (await (await h.graph(url, auth)).json()) as { value: Obj[]; "@odata.nextLink"?: string };
      pages++;
      for (const u of page.value) {
        expect(Object.keys(u).sort()).toEqual(["id", "userPrincipalName"]);
        ids.push(u.id as string);
      }
      url = page["@odata.nextLink"];
    }
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(250);
    const bad = await h.graph("/v1.0/users?$top=1000", auth);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as GraphErrorBody).error.code).toBe("Request_BadRequest");
  });

  it("lists group members with @odata.type, paged", async () => {
    const { tenant, auth } = h.tenant(SPEC);
    const large = [...tenant.directory.truth("groups")].find((g) => [...tenant.directory.membersOf(g.id)].length === 240)!;
    const first = (await (await h.graph(`/v1.0/groups/${large.id}/members?$select=displayName`, auth)).json()) as { value: Obj[]; "@odata.nextLink": string };
    expect(first.value).toHaveLength(100);
    expect(first.value[0]).toMatchObject({ "@odata.type": "#microsoft.graph.user", id: expect.any(String) as unknown, displayName: expect.any(String) as unknown });
    const second = (await (await h.graph(first["@odata.nextLink"], auth)).json()) as { value: Obj[]; "@odata.nextLink": string };
    const third = (await (await h.graph(second["@odata.nextLink"], auth)).json()) as { value: Obj[]; "@odata.nextLink"?: string };
    expect(third["@odata.nextLink"]).toBeUndefined();
    expect(first.value.length + second.value.length + third.value.length).toBe(240);
    expect((await h.graph("/v1.0/groups/00000000-0000-4000-8000-000000000000/members", auth)).status).toBe(404);
  });

  it("reads organization, subscribedSkus and applications(appId=)", async () => {
    const { tenant, auth } = h.tenant(SPEC);
    const org = (await (await h.graph("/v1.0/organization", auth)).json()) as { value: Obj[] };
    expect(org.value[0]).toMatchObject({ id: tenant.tenantId, tenantType: "AAD", verifiedDomains: [{ name: tenant.domain, isDefault: true, type: "Managed" }] });
    const skus = (await (await h.graph("/v1.0/subscribedSkus", auth)).json()) as { value: Obj[] };
    expect(skus.value.length).toBe(tenant.directory.counts().subscribedSkus);
    expect(skus.value[0]).toMatchObject({ skuId: expect.any(String) as unknown, prepaidUnits: { enabled: expect.any(Number) as unknown } });

    const app = [...tenant.apps.values()][0]!;
    const res = await h.graph(`/v1.0/applications(appId='${app.clientId}')?$select=passwordCredentials`, auth);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Obj;
    expect(body.id).toBe(app.objectId);
    expect(body.passwordCredentials).toEqual([
      { keyId: app.secrets[0]!.keyId, displayName: "secret-1", hint: app.secrets[0]!.hint, startDateTime: app.secrets[0]!.startDateTime, endDateTime: app.secrets[0]!.endDateTime, secretText: null },
    ]);
    expect(body.displayName).toBeUndefined();
    // Encoded quotes, as SDKs send them.
    expect((await h.graph(`/v1.0/applications(appId=%27${app.clientId}%27)`, auth)).status).toBe(200);
    const missing = await h.graph("/v1.0/applications(appId='00000000-0000-4000-8000-000000000000')", auth);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as GraphErrorBody).error.code).toBe("Request_ResourceNotFound");
  });

  it("charges resource units in x-ms-resource-unit", async () => {
    const { auth } = h.tenant(SPEC);
    expect((await h.graph("/v1.0/users", auth)).headers.get("x-ms-resource-unit")).toBe("2");
    expect((await h.graph("/v1.0/users?$select=id", auth)).headers.get("x-ms-resource-unit")).toBe("1");
  });
});

describe("membership write-back", () => {
  const ref = (id: string) => JSON.stringify({ "@odata.id": `${h.baseUrl}/v1.0/directoryObjects/${id}` });

  it("adds and removes members with Graph's answers", async () => {
    const { tenant, auth } = h.tenant(SPEC, WRITE);
    const d = tenant.directory;
    const group = [...d.truth("groups")].find((g) => memberWriteBlock(g) === null && g.isAssignableToRole !== true && [...d.membersOf(g.id)].length < 240)!;
    const inGroup = new Set([...d.membersOf(group.id)].map((m) => m.id));
    const user = [...d.truth("users")].find((u) => !inGroup.has(u.id))!;
    const before = d.counts().memberships;

    const add = await h.graph(`/v1.0/groups/${group.id}/members/$ref`, auth, { method: "POST", body: ref(user.id) });
    expect(add.status).toBe(204);
    expect(d.counts().memberships).toBe(before + 1);

    const dup = await h.graph(`/v1.0/groups/${group.id}/members/$ref`, auth, { method: "POST", body: ref(user.id) });
    expect(dup.status).toBe(400);
    const dupBody = (await dup.json()) as GraphErrorBody;
    expect(dupBody.error).toMatchObject({
      code: "Request_BadRequest",
      message: "One or more added object references already exist for the following modified properties: 'members'.",
    });

    const del = await h.graph(`/v1.0/groups/${group.id}/members/${user.id}/$ref`, auth, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect(d.counts().memberships).toBe(before);
    const again = await h.graph(`/v1.0/groups/${group.id}/members/${user.id}/$ref`, auth, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(((await again.json()) as GraphErrorBody).error.code).toBe("Request_ResourceNotFound");
  });

  it("refuses without a write permission, and on dynamic, synced and mail-enabled groups", async () => {
    const { tenant, auth } = h.tenant(SPEC, WRITE);
    const d = tenant.directory;
    const user = [...d.truth("users")][0]!;
    const groups = [...d.truth("groups")];
    const readOnly = bearer(tenant.tenantId, ALL_READ);
    const open = groups.find((g) => memberWriteBlock(g) === null)!;
    const denied = await h.graph(`/v1.0/groups/${open.id}/members/$ref`, readOnly, { method: "POST", body: ref(user.id) });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as GraphErrorBody).error.code).toBe("Authorization_RequestDenied");

    const expectations: Array<[string, number, string]> = [
      ["dynamic", 403, "Authorization_RequestDenied"],
      ["onPremises", 400, "Request_BadRequest"],
      ["mailEnabled", 400, "Request_BadRequest"],
    ];
    for (const [block, status, code] of expectations) {
      const g = groups.find((x) => memberWriteBlock(x) === block)!;
      const res = await h.graph(`/v1.0/groups/${g.id}/members/$ref`, auth, { method: "POST", body: ref(user.id) });
      expect(res.status, block).toBe(status);
      expect(((await res.json()) as GraphErrorBody).error.code, block).toBe(code);
    }
    const synced = groups.find((x) => memberWriteBlock(x) === "onPremises")!;
    const syncedRes = await h.graph(`/v1.0/groups/${synced.id}/members/$ref`, auth, { method: "POST", body: ref(user.id) });
    expect(((await syncedRes.json()) as GraphErrorBody).error.message).toContain("on-premises mastered Directory Sync objects");
  });
});
