import { describe, expect, it } from "vitest";
import { StreamAborted } from "../../src/sync/stream.js";
import { deltaPage, fakeGraph, freshStores, graphError, GRAPH, round, stored, tokenOf } from "./fake-graph.js";

const T = "22222222-2222-4222-8222-222222222222";
const user = (id: string, name: string) => ({ id, displayName: name, userPrincipalName: `${name}@contoso.test` });
const member = (id: string, removed?: "deleted") => ({ "@odata.type": "#microsoft.graph.user", id, ...(removed ? { "@removed": { reason: removed } } : {}) });

async function links(stores: Awaited<ReturnType<typeof freshStores>>, groupId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const m of stores.members.members("groups", groupId)) out.push(m.memberId);
  return out.sort();
}

describe("soft-deleted members (fake Graph transport)", () => {
  // Regression, issue 11 bug 3: a soft-deleted user's memberships were kept and shown, though /objects/users no longer had it.
  it("hides a soft-deleted user's links, shows them again on restore with no full scan, and a hard delete removes them", async () => {
    const users: Record<string, unknown> = {
      "": deltaPage("users", [user("u1", "ann"), user("u2", "bob")], { delta: "1" }),
      "1": deltaPage("users", [{ id: "u1", "@removed": { reason: "changed" } }], { delta: "2" }),
      "2": deltaPage("users", [user("u1", "ann")], { delta: "3" }),
      "3": deltaPage("users", [{ id: "u2", "@removed": { reason: "deleted" } }], { delta: "4" }),
    };
    const groups: Record<string, unknown> = {
      "": deltaPage("groups", [{ id: "g1", displayName: "Sales", "members@delta": [member("u1"), member("u2")] }], { delta: "1" }),
      // Graph keeps a soft-deleted user's memberships: the groups rounds say nothing of u1.
      "1": deltaPage("groups", [], { delta: "2" }),
      "2": deltaPage("groups", [], { delta: "3" }),
      // Deleted for good: Graph removes it from its groups.
      "3": deltaPage("groups", [{ id: "g1", "members@delta": [member("u2", "deleted")] }], { delta: "4" }),
    };
    const g = fakeGraph((url) => (url.pathname.includes("/users") ? users : groups)[tokenOf(url)]);
    const stores = await freshStores(T);
    const memberships = (f: Awaited<ReturnType<typeof round>>["finish"]) => f.records.find((r) => r.type === "memberships")?.total;

    const r1 = await round(stores, g.source, T, "r1", ["users", "groups"]);
    expect(memberships(r1.finish)).toBe(2);

    const r2 = await round(stores, g.source, T, "r2", ["users", "groups"]);
    expect(r2.finish.records.find((r) => r.type === "users")).toMatchObject({ total: 1, deleted: 1 });
    expect([...(await stored(stores, "users")).keys()]).toEqual(["u2"]);
    expect(await stores.objects.get("users", "u1")).toBeUndefined();
    expect(await links(stores, "g1")).toEqual(["u2"]);
    expect(await stores.members.count("groups")).toBe(1);
    expect(memberships(r2.finish)).toBe(1);

    const r3 = await round(stores, g.source, T, "r3", ["users", "groups"]);
    expect(r3.streams.get("users")?.mode).toBe("delta");
    expect(r3.finish.records.find((r) => r.type === "users")).toMatchObject({ total: 2, changed: 1 });
    expect(await links(stores, "g1")).toEqual(["u1", "u2"]);
    expect(memberships(r3.finish)).toBe(2);

    const r4 = await round(stores, g.source, T, "r4", ["users", "groups"]);
    expect([...(await stored(stores, "users")).keys()]).toEqual(["u1"]);
    expect(await links(stores, "g1")).toEqual(["u1"]);
    const all: string[] = [];
    for await (const l of stores.members.all("groups", undefined, { includeHidden: true })) all.push(l.memberId);
    expect(all).toEqual(["u1"]);
    expect(memberships(r4.finish)).toBe(1);
  });

  it("a soft-deleted group hides its links; deleted for good, they go with it", async () => {
    const groups: Record<string, unknown> = {
      "": deltaPage("groups", [{ id: "g1", displayName: "Sales", "members@delta": [member("u1")] }, { id: "g2", displayName: "Ops", "members@delta": [member("u1")] }], { delta: "1" }),
      "1": deltaPage("groups", [{ id: "g1", "@removed": { reason: "changed" } }], { delta: "2" }),
      "2": deltaPage("groups", [{ id: "g1", "@removed": { reason: "deleted" } }], { delta: "3" }),
    };
    const g = fakeGraph((url) => groups[tokenOf(url)]);
    const stores = await freshStores(T);
    await round(stores, g.source, T, "r1", ["groups"]);
    const r2 = await round(stores, g.source, T, "r2", ["groups"]);
    expect(r2.finish.records.find((r) => r.type === "memberships")?.total).toBe(1);
    expect(await links(stores, "g1")).toEqual([]);
    const r3 = await round(stores, g.source, T, "r3", ["groups"]);
    expect(r3.finish.records.find((r) => r.type === "groups")).toMatchObject({ total: 1, deleted: 0 });
    const all: string[] = [];
    for await (const l of stores.members.all("groups", undefined, { includeHidden: true })) all.push(l.containerId);
    expect(all).toEqual(["g2"]);
    expect(r3.finish.records.find((r) => r.type === "memberships")?.total).toBe(1);
  });

  it("a soft-deleted user not in a full scan stays restorable: hidden, its links kept", async () => {
    let expired = false;
    const users: Record<string, unknown> = {
      "": deltaPage("users", expired ? [user("u2", "bob")] : [user("u1", "ann"), user("u2", "bob")], { delta: "1" }),
    };
    const g = fakeGraph((url) => {
      if (url.pathname.includes("/groups")) return deltaPage("groups", [{ id: "g1", displayName: "Sales", "members@delta": [member("u1"), member("u2")] }], { delta: "1" });
      const t = tokenOf(url);
      if (t === "1") return graphError(410, { code: "resyncRequired", message: "Resync required." });
      return expired ? deltaPage("users", [user("u2", "bob")], { delta: "1" }) : users[t];
    });
    const stores = await freshStores(T);
    await round(stores, g.source, T, "r1", ["users", "groups"]);
    expired = true;
    const r2 = await round(stores, g.source, T, "r2", ["users"]);
    expect(r2.streams.get("users")?.mode).toBe("full");
    expect(r2.finish.records.find((r) => r.type === "users")).toMatchObject({ total: 1, deleted: 1 });
    expect(await links(stores, "g1")).toEqual(["u2"]);
    const kept: string[] = [];
    for await (const l of stores.members.all("groups", undefined, { includeHidden: true })) kept.push(l.memberId);
    expect(kept.sort()).toEqual(["u1", "u2"]);
  });
});

describe("Graph errors (fake Graph transport)", () => {
  // Regression, issue 11 bug 4: only the top-level code was read, so a syncStateNotFound nested in innererror failed the stream instead of resyncing.
  it.each([
    ["a nested syncStateNotFound", 400, { code: "badRequest", message: "Bad request.", innererror: { code: "invalidRequest", innererror: { code: "syncStateNotFound" } } }],
    ["a nested resyncRequired", 400, { code: "badRequest", message: "Bad request.", innerError: { code: "resyncRequired" } }],
    ["a 410 with another code", 410, { code: "Gone", message: "Token gone." }],
  ])("%s leads to a full resync that sweeps what it did not see", async (_name, status, error) => {
    let second = false;
    const g = fakeGraph((url) => {
      const t = tokenOf(url);
      if (t === "1") return graphError(status, error);
      return deltaPage("devices", second ? [{ id: "d2", displayName: "b" }] : [{ id: "d1", displayName: "a" }, { id: "d2", displayName: "b" }], { delta: "1" });
    });
    const stores = await freshStores(T);
    await round(stores, g.source, T, "r1", ["devices"]);
    second = true;
    const r2 = await round(stores, g.source, T, "r2", ["devices"]);
    expect(r2.streams.get("devices")?.mode).toBe("full");
    expect(r2.finish.records.find((r) => r.type === "devices")).toMatchObject({ status: "succeeded", total: 1, deleted: 1 });
  });

  // Regression, issue 11 bug 4: every 403 was reported as a missing permission.
  it("fails the stream on a Conditional Access 403 with Graph's code and message, and skips only on Authorization_RequestDenied", async () => {
    const g = fakeGraph((url) => {
      if (url.pathname.includes("/devices")) return graphError(403, { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
      return graphError(403, { code: "AccessDenied", message: "Access has been blocked by Conditional Access policies.", innererror: { code: "insufficient_claims" } });
    });
    const stores = await freshStores(T);
    const r = await round(stores, g.source, T, "r1", ["users", "devices"]);
    const users = r.finish.records.find((x) => x.type === "users");
    expect(users?.status).toBe("failed");
    expect(users?.error).toContain("insufficient_claims");
    expect(users?.error).toContain("blocked by Conditional Access");
    expect(users?.error).not.toContain("missing permission");
    expect(r.finish.records.find((x) => x.type === "devices")).toMatchObject({ status: "skipped", error: "missing permission Device.Read.All" });
  });
});

describe("a hostile or broken Graph (fake Graph transport)", () => {
  // Regression, issue 20.6: a looping nextLink ran forever (14,217 requests in 60 s).
  it("stops a stream whose nextLink comes back, and one past the page cap", async () => {
    const loop = fakeGraph(() => ({ value: [], "@odata.nextLink": `${GRAPH}/v1.0/devices/delta?$skiptoken=same` }));
    const stores = await freshStores(T);
    await expect(round(stores, loop.source, T, "r1", ["devices"])).rejects.toBeInstanceOf(StreamAborted);
    expect(loop.calls.length).toBeLessThanOrEqual(3);
    let n = 0;
    const endless = fakeGraph(() => ({ value: [], "@odata.nextLink": `${GRAPH}/v1.0/devices/delta?$skiptoken=${++n}` }));
    await expect(round(await freshStores(T), endless.source, T, "r1", ["devices"], { deps: { maxPages: 20 } })).rejects.toThrow(/more than 20 pages/);
    expect(endless.calls.length).toBeLessThanOrEqual(21);
  });

  // Regression, issue 20.6: Retry-After: 86400 was obeyed.
  it("fails the stream at once on a Retry-After over the cap", async () => {
    const g = fakeGraph(() => graphError(429, { code: "TooManyRequests", message: "Too many requests." }, { "retry-after": "86400" }));
    const started = Date.now();
    await expect(round(await freshStores(T), g.source, T, "r1", ["devices"])).rejects.toThrow(/429 TooManyRequests/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(g.calls).toHaveLength(1);
  });

  // Regression, issue 20.14: one object with an empty or overlong ID failed its type on every run.
  it("skips objects and links with an unusable ID, counts them and names them in the warnings", async () => {
    const g = fakeGraph((url) =>
      url.pathname.includes("/groups")
        ? deltaPage("groups", [{ id: "g1", displayName: "Sales", "members@delta": [member(""), member("u1")] }], { delta: "1" })
        : deltaPage("devices", [{ id: "", displayName: "Empty" }, { id: "x".repeat(2000), displayName: "Long" }, { id: "d1", displayName: "Fine" }], { delta: "1" }),
    );
    const stores = await freshStores(T);
    const r = await round(stores, g.source, T, "r1", ["devices", "groups"]);
    const devices = r.finish.records.find((x) => x.type === "devices");
    expect(devices).toMatchObject({ status: "succeeded", total: 1 });
    expect(devices?.warnings?.[0]).toMatch(/^2 object\(s\) or link\(s\) skipped/);
    expect(devices?.warnings?.[0]).toContain('"Empty"');
    expect(devices?.warnings?.[0]).toContain("(2000 characters)");
    expect([...(await stored(stores, "devices")).keys()]).toEqual(["d1"]);
    expect(r.finish.records.find((x) => x.type === "groups")?.warnings?.[0]).toContain("member of g1");
    expect(await links(stores, "g1")).toEqual(["u1"]);
  });
});
