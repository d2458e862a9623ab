import { describe, expect, it } from "vitest";
import { RESOURCES } from "../../src/graph/resources/index.js";
import { V1_PROPERTIES } from "../../packages/azure-sim/src/graph/properties.js";

// Regression, issue 11 bug 5: administrativeUnits selected membershipType, which v1.0 lacks (beta only); Graph refuses it with 400.
describe("per-resource $select lists", () => {
  it.each(RESOURCES.map((r) => [r.type, r] as const))("%s selects only v1.0 properties", (type, r) => {
    const known = V1_PROPERTIES[type];
    expect(r.select.filter((p) => !known.has(p))).toEqual([]);
  });
});
