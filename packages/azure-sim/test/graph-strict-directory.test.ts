import { describe, expect, it } from "vitest";
import { expectedCounts, expectedRoleLinkCounts } from "../src/graph/expected-changes.js";
import { simGet, simPost } from "../../../test/support/sim.js";
import { graphError, merged, round, strictTenant, type Obj } from "./strict-support.js";

type Link = { groupId: string; memberId: string };
const memberOf = (links: Link[], user: string) => links.filter((l) => l.memberId === user).map((l) => l.groupId).sort();

describe("strict simulated Graph: soft delete, restore, hard delete", () => {
  // Regression: the simulator removed a soft-deleted user's group links at once (and reported them removed in groups delta).
  it("keeps a soft-deleted user's links hidden, shows them again on restore, and removes them on a hard delete", async () => {
    const t = await strictTenant({ users: 80, groups: 8, largeGroupMembers: 40 }, {}, ["User.Read.All", "GroupMember.Read.All", "User.ReadWrite.All"]);
    const users = await round(t.client, "/users/delta?$select=displayName");
    const groups = await round(t.client, "/groups/delta?$select=displayName,members");
    const before = await simGet<Link[]>(`/_sim/${t.tenantId}/truth/memberships`);
    const user = before[0]!.memberId;
    const held = memberOf(before, user);
    expect(held.length).toBeGreaterThan(0);

    await simPost(`/_sim/${t.tenantId}/objects/users/${user}?soft=1`, undefined, "DELETE");
    // Graph: "@removed" with reason "changed" in users delta, and nothing in groups delta (concepts/delta-query-groups.md).
    const u1 = await round(t.client, users.deltaLink);
    expect([...merged(u1).values()]).toEqual([{ id: user, "@removed": { reason: "changed" } }]);
    const g1 = await round(t.client, groups.deltaLink);
    expect([...merged(g1).values()]).toEqual([]);
    // The ground truth and the members lists show only live members.
    expect(memberOf(await simGet<Link[]>(`/_sim/${t.tenantId}/truth/memberships`), user)).toEqual([]);
    const list = (await t.client.api(`/groups/${held[0]!}/members`).get()) as { value: Obj[] };
    expect(list.value.map((m) => m.id)).not.toContain(user);
    const counts = await simGet<{ counts: { memberships: number } }>(`/_sim/${t.tenantId}/truth`);
    expect(counts.counts.memberships).toBe(before.length - held.length);

    // POST /directory/deletedItems/{id}/restore, Graph's own API.
    const restored = (await t.client.api(`/directory/deletedItems/${user}/restore`).post({})) as Obj;
    expect(restored).toMatchObject({ id: user, "@odata.type": "#microsoft.graph.user" });
    const u2 = await round(t.client, u1.deltaLink);
    expect(merged(u2).get(user)).toMatchObject({ id: user, displayName: expect.any(String) as unknown });
    expect([...merged(await round(t.client, g1.deltaLink)).values()]).toEqual([]);
    expect(memberOf(await simGet<Link[]>(`/_sim/${t.tenantId}/truth/memberships`), user)).toEqual(held);

    // Soft delete again, then delete for good: the links go, and groups delta says so.
    await simPost(`/_sim/${t.tenantId}/objects/users/${user}?soft=1`, undefined, "DELETE");
    const u3 = await round(t.client, u2.deltaLink);
    await t.client.api(`/directory/deletedItems/${user}`).delete();
    expect([...merged(await round(t.client, u3.deltaLink)).values()]).toEqual([{ id: user, "@removed": { reason: "deleted" } }]);
    const g3 = merged(await round(t.client, g1.deltaLink));
    expect([...g3.keys()].sort()).toEqual(held);
    for (const g of g3.values()) expect(g["members@delta"]).toEqual([{ "@odata.type": "#microsoft.graph.user", id: user, "@removed": { reason: "deleted" } }]);
    expect(memberOf(await simGet<Link[]>(`/_sim/${t.tenantId}/truth/memberships`), user)).toEqual([]);
  });

  it("a hard delete of a live user shows it removed from each of its groups in members@delta", async () => {
    const t = await strictTenant({ users: 60, groups: 6, largeGroupMembers: 30 });
    const groups = await round(t.client, "/groups/delta?$select=members");
    const links = await simGet<Link[]>(`/_sim/${t.tenantId}/truth/memberships`);
    const user = links[1]!.memberId;
    await simPost(`/_sim/${t.tenantId}/objects/users/${user}`, undefined, "DELETE");
    const got = merged(await round(t.client, groups.deltaLink));
    expect([...got.keys()].sort()).toEqual(memberOf(links, user));
  });
});

describe("strict simulated Graph: scripted errors", () => {
  it("answers with syncStateNotFound and resyncRequired nested in the innerError chain, then as usual", async () => {
    const t = await strictTenant({ users: 20, groups: 2 });
    await simPost(`/_sim/${t.tenantId}/faults`, { errors: [{ kind: "syncStateNotFound", resource: "users", depth: 2 }, { kind: "resyncRequired", resource: "groups" }] }, "PUT");
    const users = await graphError(t.client.api("/users/delta").get());
    expect(users).toMatchObject({ status: 400, code: "invalidRequest", codes: ["generalException", "syncStateNotFound"] });
    const groups = await graphError(t.client.api("/groups/delta").get());
    expect(groups).toMatchObject({ status: 400, code: "invalidRequest", codes: ["resyncRequired"] });
    // Each was scripted once: the next requests succeed.
    await expect(t.client.api("/users/delta").get()).resolves.toMatchObject({ value: expect.any(Array) as unknown });
    const log = await simGet<{ requests: Array<{ fault: string | null }> }>(`/_sim/requests?tenantId=${t.tenantId}`);
    expect(log.requests.map((r) => r.fault).filter(Boolean)).toEqual(["syncStateNotFound", "resyncRequired"]);
  });

  it("answers a Conditional Access 403 that is not Authorization_RequestDenied", async () => {
    const t = await strictTenant({ users: 20, groups: 2 });
    await simPost(`/_sim/${t.tenantId}/faults`, { errors: [{ kind: "conditionalAccess", times: 2 }] }, "PUT");
    const err = await graphError(t.client.api("/devices/delta").get());
    expect(err).toMatchObject({ status: 403, code: "accessDenied", codes: ["insufficient_claims"] });
    expect(err.headers?.get("www-authenticate")).toContain('error="insufficient_claims"');
    expect((await graphError(t.client.api("/users/delta").get())).status).toBe(403);
    await expect(t.client.api("/users/delta").get()).resolves.toBeDefined();
  });
});

describe("strict simulated Graph: mutations of every type", () => {
  it("changes applications, service principals, role members, administrative units and SKUs; delta rounds match the oracle", async () => {
    const t = await strictTenant({ users: 200, groups: 10, devices: 20, applications: 10, extraServicePrincipals: 10, administrativeUnits: 6 });
    const types = ["applications", "servicePrincipals", "administrativeUnits"] as const;
    const selects = { applications: "displayName,signInAudience", servicePrincipals: "displayName,accountEnabled", administrativeUnits: "displayName,description" };
    const firsts = new Map<string, string>();
    for (const type of types) firsts.set(type, (await round(t.client, `/${type}/delta?$select=${selects[type]}`)).deltaLink);
    const roles = await round(t.client, "/directoryRoles/delta?$select=displayName,members");
    const skusBefore = await simGet<Obj[]>(`/_sim/${t.tenantId}/truth/subscribedSkus`);
    const { applied } = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 3, count: 600 })) as { applied: Array<{ type: string; id: string; kind: string; memberId?: string }> };

    // An object added and deleted in the batch still shows as removed; the oracle leaves it out (never seen).
    const added = new Set(applied.filter((a) => a.kind === "add").map((a) => a.id));
    for (const type of types) {
      const got = [...merged(await round(t.client, firsts.get(type)!)).values()].filter((o) => !(o["@removed"] && added.has(o.id as string)));
      const want = expectedCounts(applied, type);
      expect(want.changed + want.deleted, type).toBeGreaterThan(0);
      expect({ changed: got.filter((o) => !o["@removed"]).length, deleted: got.filter((o) => o["@removed"]).length }, type).toEqual(want);
    }
    // Role members: each touched link once with its final state.
    const links = [...merged(await round(t.client, roles.deltaLink)).values()].flatMap((r) => (r["members@delta"] as Obj[] | undefined) ?? []);
    const want = expectedRoleLinkCounts(applied);
    expect(want.changed).toBeGreaterThan(0);
    expect(links.filter((m) => !m["@removed"]).length).toBe(want.changed);
    const skusAfter = await simGet<Obj[]>(`/_sim/${t.tenantId}/truth/subscribedSkus`);
    expect(skusAfter.filter((s, i) => s.consumedUnits !== skusBefore[i]!.consumedUnits).length).toBe(expectedCounts(applied, "subscribedSkus").changed);
  });
});

describe("strict simulated Graph: behaviour switches", () => {
  it("are all on for a new tenant, set at creation or by PUT, and refuse unknown names", async () => {
    const t = await strictTenant({ users: 10, groups: 1 });
    const all = await simGet<Record<string, boolean>>(`/_sim/${t.tenantId}/behaviours`);
    expect(Object.keys(all).sort()).toEqual(
      ["emptyPages", "membershipOnlyGroups", "partialObjects", "refuseSelectOnLinks", "refuseUnknownSelect", "repeats", "scatterMemberChunks", "shuffle", "throttleBudget"],
    );
    expect(Object.values(all).every((v) => v === true)).toBe(true);
    expect(await simPost(`/_sim/${t.tenantId}/behaviours`, { shuffle: false }, "PUT")).toMatchObject({ shuffle: false, repeats: true });
    await expect(simPost(`/_sim/${t.tenantId}/behaviours`, { noSuchBehaviour: true }, "PUT")).rejects.toThrow(/400/);
    const created = (await simPost("/_sim/tenants", { displayName: "B", domain: `b${process.pid}${Date.now()}.example.com`, behaviours: { emptyPages: false } })) as {
      tenantId: string;
      behaviours: Record<string, boolean>;
    };
    expect(created.behaviours).toMatchObject({ emptyPages: false, partialObjects: true });
    expect(await simGet(`/_sim/${created.tenantId}/behaviours`)).toEqual(created.behaviours);
  });
});
