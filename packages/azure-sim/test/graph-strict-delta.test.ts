import { describe, expect, it } from "vitest";
import { simGet, simPost } from "../../../test/support/sim.js";
import { graphError, items, merged, rawPage, round, strictTenant, type Obj } from "./strict-support.js";

const MINIMAL = { Prefer: "return=minimal" };

describe("strict simulated Graph: delta rounds through the real SDK", () => {
  // Regression: the simulator returned every changed object whole, so an engine that replaced stored objects passed.
  it("returns changed devices as id plus the changed properties only", async () => {
    const t = await strictTenant({ users: 30, groups: 4, devices: 20 });
    const first = await round(t.client, "/devices/delta?$select=displayName,isCompliant,operatingSystem");
    const device = (await simGet<Obj[]>(`/_sim/${t.tenantId}/truth/devices`))[3]!;
    await simPost(`/_sim/${t.tenantId}/objects/devices/${String(device.id)}`, { isCompliant: device.isCompliant !== true }, "PATCH");
    const next = merged(await round(t.client, first.deltaLink));
    expect([...next.values()]).toEqual([{ id: device.id, isCompliant: device.isCompliant !== true }]);
  });

  it("returns users whole by default and only what changed with Prefer: return=minimal", async () => {
    const t = await strictTenant({ users: 30, groups: 4 });
    const select = "/users/delta?$select=displayName,department,jobTitle";
    const user = (await simGet<Obj[]>(`/_sim/${t.tenantId}/truth/users?select=displayName,department,jobTitle`))[5]!;
    const plain = await round(t.client, select);
    const minimal = await round(t.client, select, MINIMAL);
    await simPost(`/_sim/${t.tenantId}/objects/users/${String(user.id)}`, { jobTitle: "Chief Tester" }, "PATCH");
    // user-delta.md: without the preference, unchanged properties come back too.
    expect([...merged(await round(t.client, plain.deltaLink)).values()]).toEqual([{ ...user, jobTitle: "Chief Tester" }]);
    const res = await rawPage(t.client, minimal.deltaLink, MINIMAL);
    expect(res.headers.get("preference-applied")).toBe("return=minimal");
    const rest = await round(t.client, minimal.deltaLink, MINIMAL);
    expect([...merged(rest).values()]).toEqual([{ id: user.id, jobTitle: "Chief Tester" }]);
  });

  it("partialObjects off: a changed device comes back whole (the lenient path)", async () => {
    const t = await strictTenant({ users: 30, groups: 4, devices: 20 }, { partialObjects: false });
    const first = await round(t.client, "/devices/delta?$select=displayName,isCompliant");
    const device = (await simGet<Obj[]>(`/_sim/${t.tenantId}/truth/devices?select=displayName,isCompliant`))[2]!;
    await simPost(`/_sim/${t.tenantId}/objects/devices/${String(device.id)}`, { displayName: "Renamed" }, "PATCH");
    expect([...merged(await round(t.client, first.deltaLink)).values()]).toEqual([{ ...device, displayName: "Renamed" }]);
  });

  it("returns a group whose only change is membership as id plus members@delta, and whole when the switch is off", async () => {
    for (const membershipOnlyGroups of [true, false]) {
      const t = await strictTenant({ users: 60, groups: 6, largeGroupMembers: 20 }, { membershipOnlyGroups });
      const first = await round(t.client, "/groups/delta?$select=displayName,description,members");
      const groups = await simGet<Obj[]>(`/_sim/${t.tenantId}/truth/groups?select=displayName,description,groupTypes,membershipRule,onPremisesSyncEnabled`);
      const group = groups.find((g) => !g.membershipRule && !g.onPremisesSyncEnabled && !(g.groupTypes as string[]).length)!;
      const links = await simGet<Array<{ groupId: string; memberId: string }>>(`/_sim/${t.tenantId}/truth/memberships`);
      const users = await simGet<Obj[]>(`/_sim/${t.tenantId}/truth/users?select=id`);
      const outsider = users.find((u) => !links.some((l) => l.groupId === group.id && l.memberId === u.id))!;
      await simPost(`/_sim/${t.tenantId}/groups/${String(group.id)}/members`, { memberId: outsider.id });
      const got = [...merged(await round(t.client, first.deltaLink)).values()];
      const members = [{ "@odata.type": "#microsoft.graph.user", id: outsider.id }];
      if (membershipOnlyGroups) expect(got).toEqual([{ id: group.id, "members@delta": members }]);
      else expect(got).toEqual([{ id: group.id, displayName: group.displayName, description: group.description, "members@delta": members }]);
    }
  });

  it("starts a round with an empty page that carries a nextLink; emptyPages off starts with objects", async () => {
    const strict = await strictTenant({ users: 30, groups: 4 });
    const first = (await strict.client.api("/users/delta?$select=displayName").get()) as { value: Obj[]; "@odata.nextLink"?: string };
    expect(first.value).toEqual([]);
    expect(first["@odata.nextLink"]).toEqual(expect.any(String) as unknown);
    const lenient = await strictTenant({ users: 30, groups: 4 }, { emptyPages: false });
    expect(((await lenient.client.api("/users/delta?$select=displayName").get()) as { value: Obj[] }).value.length).toBeGreaterThan(0);
  });

  it("pages objects in no fixed order and repeats one on a later page; shuffle and repeats off give generator order, each once", async () => {
    const spec = { seed: 4242, users: 450, groups: 4 };
    const strict = await round((await strictTenant(spec)).client, "/users/delta?$select=displayName");
    const lenient = await round((await strictTenant(spec, { shuffle: false, repeats: false })).client, "/users/delta?$select=displayName");
    const ids = (r: typeof strict) => items(r).map((o) => o.id as string);
    expect(new Set(ids(strict))).toEqual(new Set(ids(lenient)));
    expect(ids(lenient)).toHaveLength(450);
    expect(ids(strict)).toHaveLength(451);
    expect(ids(strict).slice(0, 450)).not.toEqual(ids(lenient));
    // The repeat is on a later page than the object's first appearance.
    const pageOf = (id: string) => strict.pages.findIndex((p) => p.value.some((o) => o.id === id));
    const repeated = strict.pages.at(-1)!.value[0]!.id as string;
    expect(pageOf(repeated)).toBeLessThan(strict.pages.length - 1);
  });

  it("puts a large group's member chunks on pages that are not adjacent; scatterMemberChunks off keeps them together", async () => {
    const spec = { seed: 77, users: 1600, groups: 120, largeGroupMembers: 1400, avgGroupMembers: 4 };
    for (const scatterMemberChunks of [true, false]) {
      const t = await strictTenant(spec, { scatterMemberChunks });
      const r = await round(t.client, "/groups/delta?$select=displayName,members");
      const distinctMembers = (g: Obj) => new Set(((g["members@delta"] as Obj[] | undefined) ?? []).map((m) => m.id)).size;
      const large = [...merged(r)].find(([, g]) => distinctMembers(g) === 1400)![0];
      const pages = r.pages.flatMap((p, i) => (p.value.some((g) => g.id === large) ? [i] : []));
      // The last appearance may be the repeat page; the chunks are the ones before.
      const chunks = pages.slice(0, Math.ceil(1400 / 500));
      expect(chunks).toHaveLength(3);
      const adjacent = chunks.slice(1).every((p, i) => p === chunks[i]! + 1);
      expect(adjacent).toBe(!scatterMemberChunks);
      // Either way the chunks merge to the whole group.
      expect(distinctMembers(merged(r).get(large)!)).toBe(1400);
    }
  });

  it("refuses $select added to a nextLink or a deltaLink with 400; refuseSelectOnLinks off lets it through", async () => {
    const t = await strictTenant({ users: 30, groups: 4 });
    const first = (await t.client.api("/users/delta?$select=displayName").get()) as { "@odata.nextLink": string };
    const onNext = await graphError(t.client.api(first["@odata.nextLink"]).select("displayName,jobTitle").get());
    expect(onNext).toMatchObject({ status: 400, code: "Request_BadRequest" });
    const done = await round(t.client, first["@odata.nextLink"]);
    expect(await graphError(t.client.api(done.deltaLink).select("displayName").get())).toMatchObject({ status: 400 });
    const lenient = await strictTenant({ users: 30, groups: 4 }, { refuseSelectOnLinks: false });
    const next = ((await lenient.client.api("/users/delta?$select=displayName").get()) as { "@odata.nextLink": string })["@odata.nextLink"];
    await expect(lenient.client.api(next).select("displayName").get()).resolves.toMatchObject({ value: expect.any(Array) as unknown });
  });

  // Regression: the simulator accepted any $select name, so administrativeUnits' beta-only membershipType went unnoticed.
  it("refuses a $select property the v1.0 type does not have, in delta and lists; refuseUnknownSelect off accepts it", async () => {
    const t = await strictTenant({ users: 30, groups: 4, administrativeUnits: 2 });
    const err = await graphError(t.client.api("/administrativeUnits/delta").select("displayName,membershipType").get());
    expect(err).toMatchObject({ status: 400, code: "BadRequest" });
    await expect(t.client.api("/users").select("displayName,noSuchThing").get()).rejects.toMatchObject({
      statusCode: 400,
      message: "Could not find a property named 'noSuchThing' on type 'microsoft.graph.user'.",
    });
    await expect(t.client.api("/administrativeUnits/delta").select("displayName,visibility").get()).resolves.toBeDefined();
    const lenient = await strictTenant({ users: 30, groups: 4 }, { refuseUnknownSelect: false });
    await expect(lenient.client.api("/users").select("displayName,noSuchThing").get()).resolves.toBeDefined();
  });

  it("does not bring an object back for a change to a property that was not selected", async () => {
    const t = await strictTenant({ users: 30, groups: 4 });
    const first = await round(t.client, "/users/delta?$select=displayName,department");
    const [a, b] = await simGet<Obj[]>(`/_sim/${t.tenantId}/truth/users?select=id`);
    await simPost(`/_sim/${t.tenantId}/objects/users/${String(a!.id)}`, { mobilePhone: "+1 555 0100" }, "PATCH");
    await simPost(`/_sim/${t.tenantId}/objects/users/${String(b!.id)}`, { department: "Audit" }, "PATCH");
    expect([...merged(await round(t.client, first.deltaLink)).keys()]).toEqual([b!.id]);
  });
});
