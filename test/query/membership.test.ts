import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTenant, syncAndWait, type AddedTenant } from "../api/helpers.js";
import { startApi, type TestApi } from "../support/api.js";
import { simGet, simPost } from "../support/sim.js";
import { odata } from "@azure/data-tables";
import { ReverseLinks } from "../../src/store/reverse-links.js";
import { syncStores } from "../../src/sync/stores.js";

interface Scenario {
  readonly groups: { a: string; b: string; c: string; d: string };
  readonly userId: string;
  readonly roleGroupId: string;
  readonly roleDefinitionId: string;
  readonly roleAssignmentId: string;
  readonly eligibilityId: string;
  readonly appRoleAssignmentId: string;
  readonly licence: { skuId: string; skuPartNumber: string; disabledPlan: string };
}
interface Ref {
  readonly id: string;
  readonly type: string;
}
interface MemberOfItem extends Ref {
  readonly direct: boolean;
  readonly via: string | null;
  readonly depth: number;
}
type Page<T> = { items: T[]; continuationToken?: string; truncated?: boolean };

const short = (odataType: string) => odataType.replace("#microsoft.graph.", "");
const keys = (xs: readonly Ref[]) => xs.map((x) => `${short(x.type)}|${x.id}`).sort();

async function getJson<T>(api: TestApi, path: string, status = 200): Promise<T> {
  const res = await api.call("GET", path, { token: api.reader });
  const text = await res.text();
  expect(res.status, `${path}: ${text.slice(0, 300)}`).toBe(status);
  return JSON.parse(text) as T;
}

/** Every page of a paged answer, following continuation tokens. */
async function allPages<T>(api: TestApi, path: string): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await getJson<Page<T>>(api, token ? `${path}${sep}continuationToken=${encodeURIComponent(token)}` : path);
    out.push(...page.items);
    token = page.continuationToken;
  } while (token);
  return out;
}

describe("one object, memberOf and transitive membership, effective access (nested groups with a cycle)", () => {
  let api: TestApi;
  let t: AddedTenant;
  let s: Scenario;

  beforeAll(async () => {
    api = await startApi();
    t = await addTenant(api, {
      spec: { users: 80, groups: 24, devices: 10, applications: 3, extraServicePrincipals: 2, managedIdentities: 0, administrativeUnits: 2, largeGroupMembers: 30, avgGroupMembers: 6 },
    });
    s = (await simPost(`/_sim/${t.id}/scenarios/nesting`, {})) as Scenario;
    await syncAndWait(api, t.id);
  }, 120_000);
  afterAll(async () => api?.stop());

  it("gives one object by ID with its expands, and 404 ObjectNotFound for an absent one", async () => {
    const [truth] = await simGet<Array<Record<string, unknown>>>(`/_sim/${t.id}/truth/users?select=id,displayName,userPrincipalName`).then((us) => us.filter((u) => u.id === s.userId));
    const user = await getJson<Record<string, unknown>>(api, `/tenants/${t.id}/objects/users/${s.userId}?expand=memberOf,manager,directReports,roleAssignments,appRoleAssignments`);
    expect(user.id).toBe(s.userId);
    expect(user.displayName).toBe(truth?.displayName);
    expect(user.userPrincipalName).toBe(truth?.userPrincipalName);
    expect(keys(user.memberOf as Ref[])).toContain(`group|${s.groups.d}`);
    expect(keys(user.memberOf as Ref[])).toContain(`group|${s.roleGroupId}`);
    // Direct only: the groups above D come through nesting.
    expect(keys(user.memberOf as Ref[])).not.toContain(`group|${s.groups.c}`);
    const managers = await simGet<Array<{ userId: string; managerId: string }>>(`/_sim/${t.id}/truth/managers`);
    const mine = managers.find((m) => m.userId === s.userId);
    expect(user.manager).toEqual(mine ? { id: mine.managerId, type: "user" } : null);
    expect((user.directReports as Ref[]).map((r) => r.id).sort()).toEqual(managers.filter((m) => m.managerId === s.userId).map((m) => m.userId).sort());
    // The role is the group's, not the user's own: the expand lists the user's own assignments only.
    expect((user.roleAssignments as Array<{ id: string }>).map((a) => a.id)).not.toContain(s.roleAssignmentId);
    expect(Array.isArray(user.appRoleAssignments)).toBe(true);

    const owners = await simGet<Array<{ parentType: string; parentId: string; ownerId: string }>>(`/_sim/${t.id}/truth/owners`);
    const withOwners = owners.find((o) => o.parentType === "groups");
    expect(withOwners).toBeDefined();
    const group = await getJson<{ owners: Ref[] }>(api, `/tenants/${t.id}/objects/groups/${withOwners!.parentId}?expand=owners`);
    expect(group.owners.map((o) => o.id).sort()).toEqual(owners.filter((o) => o.parentType === "groups" && o.parentId === withOwners!.parentId).map((o) => o.ownerId).sort());
    const role = await getJson<{ roleAssignments: Array<{ id: string }> }>(api, `/tenants/${t.id}/objects/groups/${s.roleGroupId}?expand=roleAssignments`);
    expect(role.roleAssignments.map((a) => a.id)).toContain(s.roleAssignmentId);

    const missing = await getJson<{ error: { code: string } }>(api, `/tenants/${t.id}/objects/users/00000000-0000-0000-0000-00000000abcd`, 404);
    expect(missing.error.code).toBe("ObjectNotFound");
    const bad = await getJson<{ error: { code: string; message: string } }>(api, `/tenants/${t.id}/objects/users/${s.userId}?expand=owners`, 400);
    expect(bad.error.code).toBe("InvalidExpand");
    expect(bad.error.message).toContain("owners");
    expect((await getJson<{ error: { message: string } }>(api, `/tenants/${t.id}/objects/devices/${s.userId}?expand=manager`, 400)).error.message).toContain("manager");
    expect((await getJson<{ error: { code: string } }>(api, `/tenants/${t.id}/objects/nonsense/${s.userId}`, 404)).error.code).toBe("NotFound");
  });

  it("memberOf, direct and transitive, matches the simulator's truth; each inherited item names the group it comes through", async () => {
    const direct = await allPages<MemberOfItem>(api, `/tenants/${t.id}/objects/users/${s.userId}/memberOf?pageSize=2`);
    expect(direct.every((i) => i.direct && i.via === null && i.depth === 1)).toBe(true);
    const trans = await allPages<MemberOfItem>(api, `/tenants/${t.id}/objects/users/${s.userId}/memberOf?transitive=true&pageSize=2`);
    expect(keys(trans)).toEqual(keys(await simGet<Ref[]>(`/_sim/${t.id}/truth/transitiveMemberOf/${s.userId}`)));
    expect(new Set(trans.map((i) => i.id)).size).toBe(trans.length);
    const byId = new Map(trans.map((i) => [i.id, i]));
    // U ∈ D ∈ C ∈ B ∈ A, and A ∈ D closes the cycle: the walk ends, each group once.
    expect(byId.get(s.groups.d)).toMatchObject({ direct: true, via: null, depth: 1 });
    expect(byId.get(s.groups.c)).toMatchObject({ direct: false, via: s.groups.d, depth: 2 });
    expect(byId.get(s.groups.b)).toMatchObject({ direct: false, via: s.groups.c, depth: 3 });
    expect(byId.get(s.groups.a)).toMatchObject({ direct: false, via: s.groups.b, depth: 4 });

    // Every user and the scenario's groups, against the truth.
    const users = await simGet<Array<{ id: string }>>(`/_sim/${t.id}/truth/users?select=id`);
    for (const u of users.slice(0, 15)) {
      const got = await allPages<MemberOfItem>(api, `/tenants/${t.id}/objects/users/${u.id}/memberOf?transitive=true&pageSize=1000`);
      expect(keys(got), u.id).toEqual(keys(await simGet<Ref[]>(`/_sim/${t.id}/truth/transitiveMemberOf/${u.id}`)));
    }
    for (const g of Object.values(s.groups)) {
      const got = await allPages<MemberOfItem>(api, `/tenants/${t.id}/objects/groups/${g}/memberOf?transitive=true`);
      expect(keys(got), g).toEqual(keys(await simGet<Ref[]>(`/_sim/${t.id}/truth/transitiveMemberOf/${g}`)));
    }
    expect((await getJson<{ error: { code: string } }>(api, `/tenants/${t.id}/objects/users/00000000-0000-0000-0000-00000000abcd/memberOf`, 404)).error.code).toBe("ObjectNotFound");
  });

  it("transitive members of each group match the truth, paged without repeats", async () => {
    const groups = await simGet<Array<{ id: string }>>(`/_sim/${t.id}/truth/groups?select=id`);
    // Regression: a page that filled up with one nested group's members resumed the next group after that
    // member's ID, skipping the next group's lower IDs. Small pages cross group boundaries often.
    for (const g of groups) {
      const got = await allPages<MemberOfItem>(api, `/tenants/${t.id}/groups/${g.id}/members?transitive=true&pageSize=7`);
      expect(new Set(got.map((m) => m.id)).size, g.id).toBe(got.length);
      expect(keys(got), g.id).toEqual(keys(await simGet<Ref[]>(`/_sim/${t.id}/truth/transitiveMembers/${g.id}`)));
    }
    const a = await allPages<MemberOfItem>(api, `/tenants/${t.id}/groups/${s.groups.a}/members?transitive=true`);
    const user = a.find((m) => m.id === s.userId);
    expect(user).toMatchObject({ direct: false, via: s.groups.d, depth: 4 });
    expect(a.find((m) => m.id === s.groups.b)).toMatchObject({ direct: true, via: null, depth: 1 });
  });

  it("effective access: a role through a role-assignable group, an eligible role, an app role through a group, licences with disabled plan names", async () => {
    const access = await getJson<{
      principal: { id: string; type: string };
      directoryRoles: {
        active: Array<{ id: string; roleDefinitionId: string; roleName: string | null; scope: { kind: string }; direct: boolean; via: { id: string } | null }>;
        eligible: Array<{ id: string; startDateTime: string | null; endDateTime: string | null; direct: boolean; scope: { kind: string } }>;
      };
      appRoleAssignments: Array<{ id: string; direct: boolean; via: { id: string } | null; resourceDisplayName: string | null }>;
      licences: Array<{ skuId: string; skuPartNumber: string | null; disabledPlans: Array<{ servicePlanId: string; servicePlanName: string | null }> }>;
    }>(api, `/tenants/${t.id}/principals/${s.userId}/access`);
    expect(access.principal).toMatchObject({ id: s.userId, type: "user" });
    const viaGroup = access.directoryRoles.active.find((r) => r.id === s.roleAssignmentId);
    expect(viaGroup).toMatchObject({ roleDefinitionId: s.roleDefinitionId, direct: false, via: { id: s.roleGroupId }, scope: { kind: "tenant" } });
    expect(viaGroup?.roleName).toBeTruthy();

    // Against the truth: every assignment and eligibility of the user or a group it is directly in.
    const memberships = await simGet<Array<{ groupId: string; memberId: string }>>(`/_sim/${t.id}/truth/memberships`);
    const holders = new Set([s.userId, ...memberships.filter((m) => m.memberId === s.userId).map((m) => m.groupId)]);
    const truthOf = async (type: string) => (await simGet<Array<{ id: string; principalId: string }>>(`/_sim/${t.id}/truth/${type}`)).filter((a) => holders.has(a.principalId)).map((a) => a.id).sort();
    expect(access.directoryRoles.active.map((r) => r.id).sort()).toEqual(await truthOf("roleAssignments"));
    expect(access.directoryRoles.eligible.map((r) => r.id).sort()).toEqual(await truthOf("roleEligibilities"));
    expect(access.appRoleAssignments.map((r) => r.id).sort()).toEqual(await truthOf("appRoleAssignments"));

    const eligible = access.directoryRoles.eligible.find((r) => r.id === s.eligibilityId);
    expect(eligible).toMatchObject({ direct: true, scope: { kind: "tenant" } });
    expect(eligible?.startDateTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(access.appRoleAssignments.find((r) => r.id === s.appRoleAssignmentId)).toMatchObject({ direct: false, via: { id: s.groups.d } });
    expect(access.licences).toEqual([{ skuId: s.licence.skuId, skuPartNumber: s.licence.skuPartNumber, disabledPlans: [{ servicePlanId: s.licence.disabledPlan, servicePlanName: "TEAMS1" }] }]);

    const group = await getJson<{ directoryRoles: { active: Array<{ id: string; direct: boolean }> }; licences: unknown[] }>(api, `/tenants/${t.id}/principals/${s.roleGroupId}/access`);
    expect(group.directoryRoles.active.find((r) => r.id === s.roleAssignmentId)?.direct).toBe(true);
    expect(group.licences).toEqual([]);
    expect((await getJson<{ error: { code: string } }>(api, `/tenants/${t.id}/principals/00000000-0000-0000-0000-00000000abcd/access`, 404)).error.code).toBe("PrincipalNotFound");
  });

  it("a delta run that removes a nested membership changes the transitive answers (the index is kept on the write path)", async () => {
    // D leaves C: U's path up to C, B and A is gone, and A's transitive members lose D's.
    await simPost(`/_sim/${t.id}/groups/${s.groups.c}/members/${s.groups.d}`, undefined, "DELETE");
    const others = (await simGet<Array<{ id: string }>>(`/_sim/${t.id}/truth/users?select=id`)).filter((u) => u.id !== s.userId);
    const gone = others[0]!.id;
    await simPost(`/_sim/${t.id}/objects/users/${gone}?soft=1`, undefined, "DELETE");
    await syncAndWait(api, t.id);
    const state = await syncStores(api.services.tables, t.id).state.get(t.id, "groups");
    expect(state?.mode).toBe("delta");

    const trans = await allPages<MemberOfItem>(api, `/tenants/${t.id}/objects/users/${s.userId}/memberOf?transitive=true`);
    expect(keys(trans)).toEqual(keys(await simGet<Ref[]>(`/_sim/${t.id}/truth/transitiveMemberOf/${s.userId}`)));
    expect(trans.map((i) => i.id)).not.toContain(s.groups.c);
    expect(trans.map((i) => i.id)).toContain(s.groups.d);
    for (const g of Object.values(s.groups)) {
      const got = await allPages<MemberOfItem>(api, `/tenants/${t.id}/groups/${g}/members?transitive=true&pageSize=5`);
      expect(keys(got), g).toEqual(keys(await simGet<Ref[]>(`/_sim/${t.id}/truth/transitiveMembers/${g}`)));
    }
    // A soft-deleted user is absent: 404, and out of every membership answer (its links are parked).
    expect((await getJson<{ error: { code: string } }>(api, `/tenants/${t.id}/objects/users/${gone}`, 404)).error.code).toBe("ObjectNotFound");
    expect((await getJson<{ error: { code: string } }>(api, `/tenants/${t.id}/principals/${gone}/access`, 404)).error.code).toBe("PrincipalNotFound");
  });
  it("a full scan fills the reverse index for links stored before it existed, and sweeps reverse rows with no link", async () => {
    const members = api.services.members(t.id);
    const table = members.table;
    const filter = odata`PartitionKey ge ${`${t.id}|reverse|`} and PartitionKey lt ${`${t.id}|reverse|~`}`;
    let n = 0;
    for await (const e of table.listEntities({ queryOptions: { filter, select: ["PartitionKey", "RowKey"] } })) {
      await table.deleteEntity(e.partitionKey ?? "", e.rowKey ?? "");
      n++;
    }
    expect(n).toBeGreaterThan(0);
    // A reverse row whose forward link does not exist (a group the user is not in).
    const truth = await simGet<Ref[]>(`/_sim/${t.id}/truth/transitiveMemberOf/${s.userId}`);
    const groups = await simGet<Array<{ id: string }>>(`/_sim/${t.id}/truth/groups?select=id`);
    const stranger = groups.find((g) => !truth.some((x) => x.id === g.id))!.id;
    await table.upsertEntity(new ReverseLinks(members).entity({ store: "groups", parent: "groups" }, stranger, s.userId, "user", "before-the-index"), "Replace");
    expect((await allPages<MemberOfItem>(api, `/tenants/${t.id}/objects/users/${s.userId}/memberOf`)).map((i) => i.id)).toEqual([stranger]);

    const res = await api.call("PATCH", `/tenants/${t.id}`, { body: { fullScanNextRun: true } });
    expect(res.status, await res.clone().text()).toBe(200);
    await syncAndWait(api, t.id);
    expect((await syncStores(api.services.tables, t.id).state.get(t.id, "groups"))?.mode).toBe("full");
    const trans = await allPages<MemberOfItem>(api, `/tenants/${t.id}/objects/users/${s.userId}/memberOf?transitive=true`);
    expect(keys(trans)).toEqual(keys(await simGet<Ref[]>(`/_sim/${t.id}/truth/transitiveMemberOf/${s.userId}`)));
    expect(trans.map((i) => i.id)).not.toContain(stranger);
  });
});
