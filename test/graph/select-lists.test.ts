import { describe, expect, it } from "vitest";
import { RESOURCES } from "../../src/graph/resources/index.js";
import { V1_PROPERTIES } from "../../packages/azure-sim/src/graph/properties.js";

// The simulator's v1.0 property lists, by the engine's type names; a kind the simulator does not list yet is skipped.
const simLists: Partial<Record<string, ReadonlySet<string>>> = V1_PROPERTIES;

// Regression: administrativeUnits selected membershipType, which v1.0 lacks (beta only); Graph refuses it with 400.
describe("per-resource $select lists", () => {
  it.each(RESOURCES.map((r) => [r.type, r] as const))("%s selects only v1.0 properties", (type, r) => {
    const known = simLists[type];
    if (!known) return;
    expect(r.select.filter((p) => !known.has(p))).toEqual([]);
  });
});
