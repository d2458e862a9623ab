import { describe, expect, it } from "vitest";
import { deltaPage, fakeGraph, freshStores, round, tokenOf } from "./fake-graph.js";

const user = (id: string) => ({ "@odata.type": "#microsoft.graph.user", id });

async function links(stores: Awaited<ReturnType<typeof freshStores>>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of stores.members.all("administrativeUnits")) out.push(`${l.containerId}|${l.memberId}|${l.memberType}`);
  return out.sort();
}

describe("administrative-unit members as a link type", () => {
  it("stores members@delta of the units' delta and applies an added and a removed member exactly", async () => {
    const { source, calls } = fakeGraph((url) => {
      if (url.pathname !== "/v1.0/administrativeUnits/delta") throw new Error(`unexpected ${url.pathname}`);
      if (tokenOf(url) === "") {
        return deltaPage("administrativeUnits", [
          { id: "au1", displayName: "Paris", description: null, visibility: null, "members@delta": [user("u1"), user("u2")] },
          { id: "au2", displayName: "Oslo", description: null, visibility: "HiddenMembership", "members@delta": [{ "@odata.type": "#microsoft.graph.group", id: "g1" }] },
        ], { delta: "d1" });
      }
      // administrativeunit-delta.md: a changed unit carries its member changes; a removed member is `@removed`.
      return deltaPage("administrativeUnits", [{ id: "au1", "members@delta": [{ ...user("u2"), "@removed": { reason: "deleted" } }, user("u3")] }], { delta: "d2" });
    });
    const stores = await freshStores("au-t");
    const first = await round(stores, source, "au-t", "run-1", ["administrativeUnits"]);
    expect(first.finish.status).toBe("succeeded");
    expect(await links(stores)).toEqual(["au1|u1|user", "au1|u2|user", "au2|g1|group"]);
    // The members ride on the units' delta: `members` is selected, and no per-unit request is made.
    expect(calls[0]?.url.searchParams.get("$select")?.split(",")).toContain("members");
    expect(calls.every((c) => c.url.pathname === "/v1.0/administrativeUnits/delta")).toBe(true);
    expect(first.finish.records.find((r) => r.type === "administrativeUnitMembers")?.total).toBe(3);

    const second = await round(stores, source, "au-t", "run-2", ["administrativeUnits"]);
    expect(await links(stores)).toEqual(["au1|u1|user", "au1|u3|user", "au2|g1|group"]);
    const record = second.finish.records.find((r) => r.type === "administrativeUnitMembers");
    expect({ changed: record?.changed, deleted: record?.deleted, total: record?.total }).toEqual({ changed: 1, deleted: 1, total: 3 });
  });
});
