import { describe, expect, it } from "vitest";
import { CONTAINERS, isContainer, isSyncedType, LINK_SPECS, LINK_TYPES, linkKindOf, linksHeldBy, linksOf, linkStoresOf, SYNCED_TYPES } from "../../src/domain/synced.js";
import { linkParentOf, OBJECT_TYPE_NAMES, RESOURCES, resourceOf } from "../../src/graph/resources/index.js";

// The catalogue is the one list of synced types and containers; the resource modules follow it.
describe("synced-type catalogue", () => {
  it("lists the resource modules in catalogue order, one per type", () => {
    expect(RESOURCES.map((r) => r.type)).toEqual(SYNCED_TYPES);
    for (const t of SYNCED_TYPES) expect(resourceOf(t).type).toBe(t);
  });

  it("gives every link its own store, selects each link's navigation, and names the browsable links", () => {
    expect(new Set(CONTAINERS).size).toBe(LINK_SPECS.length);
    // Graph reports `<nav>@delta` only for a selected navigation (group-delta.md).
    // A per-parent link kind reads the navigation's own collection instead (application-delta.md has no owners).
    for (const r of RESOURCES.filter((x) => x.mode !== "perParent")) for (const l of linksOf(r.type)) expect(r.select).toContain(l.nav);
    expect([...new Set(LINK_SPECS.flatMap((l) => (l.link ? [l.link.type] : [])))]).toEqual(LINK_TYPES);
    for (const l of LINK_TYPES) expect(linkParentOf(l)?.link?.type).toBe(l);
    expect(OBJECT_TYPE_NAMES).toEqual([...SYNCED_TYPES, ...LINK_TYPES]);
  });

  it("guards container and synced-type names", () => {
    expect(CONTAINERS.every(isContainer)).toBe(true);
    expect(isContainer("users")).toBe(false);
    expect(isContainer("memberships")).toBe(false);
    expect(isSyncedType("memberships")).toBe(false);
    expect(isSyncedType("roleEligibilities")).toBe(true);
  });

  it("refuses a type outside the catalogue at run time", () => {
    expect(() => resourceOf("contacts" as never)).toThrow(/unknown resource type contacts/);
  });
});

describe("owners of applications and service principals in the catalogue", () => {
  it("are link stores of their parent type, filled by their own per-parent kind and browsed under owners", () => {
    expect(linksOf("applications")).toEqual([]);
    expect(linksHeldBy("applications").map((l) => l.store)).toEqual(["applicationOwners"]);
    expect(linkKindOf("servicePrincipalOwners")).toMatchObject({ parent: "servicePrincipals", store: "servicePrincipalOwners", link: { type: "owners", parentKey: "parentId", memberKey: "ownerId" } });
    expect(linkKindOf("groups")).toBeUndefined();
    expect(linkStoresOf("owners").map((l) => l.store)).toEqual(["groupOwners", "applicationOwners", "servicePrincipalOwners"]);
    expect(linkStoresOf("applicationOwners").map((l) => l.store)).toEqual(["applicationOwners"]);
    expect(LINK_TYPES.filter((t) => t === "owners")).toHaveLength(1);
  });
});
