import { describe, expect, it } from "vitest";
import { userScope } from "../../src/domain/filters.js";
import { deltaPage, fakeGraph, freshStores, round, stored, tokenOf } from "./fake-graph.js";

const T = "11111111-1111-4111-8111-111111111111";

describe("delta rounds merge partial objects (fake Graph transport)", () => {
  // Regression, issue 11 bug 1: a device whose isCompliant changed was stored as { id, isCompliant }, every other property lost.
  it("lays a changed object's returned properties over the stored ones: null clears, absent keeps; a new one is stored as it came", async () => {
    const rounds: Record<string, unknown> = {
      "": deltaPage("devices", [
        { id: "d1", displayName: "Laptop-1", operatingSystem: "Windows", isCompliant: false, trustType: "AzureAd" },
        { id: "d2", displayName: "Phone-2", operatingSystem: "iOS", isCompliant: true },
      ], { delta: "1" }),
      "1": deltaPage("devices", [{ id: "d1", isCompliant: true }, { id: "d2", operatingSystem: null }, { id: "d3", displayName: "Tablet-3" }], { delta: "2" }),
      // Graph may send a property unchanged: same merged object, same hash, nothing written.
      "2": deltaPage("devices", [{ id: "d1", isCompliant: true }], { delta: "3" }),
    };
    const g = fakeGraph((url) => rounds[tokenOf(url)]);
    const stores = await freshStores(T);
    await round(stores, g.source, T, "r1", ["devices"]);
    const r2 = await round(stores, g.source, T, "r2", ["devices"]);
    const devices = await stored(stores, "devices");
    expect(devices.get("d1")).toEqual({ id: "d1", displayName: "Laptop-1", operatingSystem: "Windows", isCompliant: true, trustType: "AzureAd", "#name": "laptop-1" });
    expect(devices.get("d2")).toEqual({ id: "d2", displayName: "Phone-2", operatingSystem: null, isCompliant: true, "#name": "phone-2" });
    expect(devices.get("d3")).toEqual({ id: "d3", displayName: "Tablet-3", "#name": "tablet-3" });
    expect(r2.finish.records.find((r) => r.type === "devices")).toMatchObject({ total: 3, changed: 3, deleted: 0 });
    const r3 = await round(stores, g.source, T, "r3", ["devices"]);
    expect(r3.streams.get("devices")?.writes.entities).toBe(0);
    expect(r3.finish.records.find((r) => r.type === "devices")?.changed).toBe(0);
    // Devices have no Prefer: return=minimal (device-delta.md offers none); the first page carries $select, links do not.
    expect(g.calls.every((c) => c.prefer === null)).toBe(true);
    expect(g.calls[0]?.url.searchParams.get("$select")).toContain("isCompliant");
    expect(g.calls.slice(1).every((c) => !c.url.searchParams.has("$select"))).toBe(true);
  });

  // Regression, issue 11 bug 1 (groups): a group whose only change is membership came back as id + members@delta and lost mailEnabled, groupTypes… which the write-back guards read.
  it("keeps a group's properties when a round brings only its membership change, and asks for return=minimal", async () => {
    const g0 = { id: "g1", displayName: "Sales", mailEnabled: true, securityEnabled: false, groupTypes: ["Unified"], onPremisesSyncEnabled: null };
    const rounds: Record<string, unknown> = {
      "": deltaPage("groups", [{ ...g0, "members@delta": [{ "@odata.type": "#microsoft.graph.user", id: "u1" }] }], { delta: "1" }),
      "1": deltaPage("groups", [{ id: "g1", "members@delta": [{ "@odata.type": "#microsoft.graph.user", id: "u2" }] }], { delta: "2" }),
    };
    const g = fakeGraph((url) => rounds[tokenOf(url)]);
    const stores = await freshStores(T);
    await round(stores, g.source, T, "r1", ["groups"]);
    const r2 = await round(stores, g.source, T, "r2", ["groups"]);
    expect((await stored(stores, "groups")).get("g1")).toEqual({ ...g0, "#name": "sales" });
    expect(r2.finish.records.find((r) => r.type === "groups")?.changed).toBe(0);
    expect(r2.finish.records.find((r) => r.type === "memberships")).toMatchObject({ total: 2, changed: 1 });
    expect(g.calls.map((c) => c.prefer)).toEqual(["return=minimal", "return=minimal"]);
  });

  // Regression, issue 11 bug 2: with a companyName filter, a delta item { id, jobTitle } lacked companyName, so the user in scope was deleted and counted against the threshold.
  it("evaluates filters on the merged user: a partial item deletes nothing in scope and the threshold counts no deletion", async () => {
    const rounds: Record<string, unknown> = {
      "": deltaPage("users", [
        { id: "u1", displayName: "Ann", companyName: "Contoso", jobTitle: "Clerk" },
        { id: "u2", displayName: "Bob", companyName: "Fabrikam", jobTitle: "Clerk" },
      ], { delta: "1" }),
      "1": deltaPage("users", [{ id: "u1", jobTitle: "Manager" }, { id: "u2", jobTitle: "Manager" }], { delta: "2" }),
      "2": deltaPage("users", [{ id: "u1", companyName: "Fabrikam" }], { delta: "3" }),
    };
    const g = fakeGraph((url) => rounds[tokenOf(url)]);
    const stores = await freshStores(T);
    const filter = { attributes: [{ attribute: "companyName" as const, op: "equals" as const, value: "contoso" }] };
    const o = { scope: userScope(filter, undefined), scopeKey: filter, threshold: { count: 0 } };
    await round(stores, g.source, T, "r1", ["users"], o);
    const r2 = await round(stores, g.source, T, "r2", ["users"], o);
    expect(r2.finish.held).toBe(false);
    expect(r2.finish.records.find((r) => r.type === "users")).toMatchObject({ total: 1, changed: 1, deleted: 0, filtered: 1 });
    expect((await stored(stores, "users")).get("u1")).toMatchObject({ companyName: "Contoso", jobTitle: "Manager", displayName: "Ann" });
    // A real change of the filtered property does take it out of scope.
    const r3 = await round(stores, g.source, T, "r3", ["users"], { ...o, threshold: null });
    expect(r3.finish.records.find((r) => r.type === "users")).toMatchObject({ total: 0, deleted: 1 });
    // A filtered stream keeps Graph's whole objects: an object it never stored has nothing to merge over.
    expect(g.calls.every((c) => c.prefer === null)).toBe(true);
  });

  it("sends Prefer: return=minimal on every users delta request of an unfiltered stream", async () => {
    const rounds: Record<string, unknown> = {
      "": deltaPage("users", [{ id: "u1", displayName: "Ann" }], { skip: "p2" }),
      p2: deltaPage("users", [{ id: "u2", displayName: "Bob" }], { delta: "1" }),
      "1": deltaPage("users", [{ id: "u2", displayName: "Bobby" }], { delta: "2" }),
    };
    const g = fakeGraph((url) => rounds[tokenOf(url)]);
    const stores = await freshStores(T);
    await round(stores, g.source, T, "r1", ["users"]);
    await round(stores, g.source, T, "r2", ["users"]);
    expect(g.calls.map((c) => c.prefer)).toEqual(["return=minimal", "return=minimal", "return=minimal"]);
    expect((await stored(stores, "users")).get("u2")?.["#name"]).toBe("bobby");
  });
});
