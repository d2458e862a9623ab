import type { GraphObject } from "../types.js";
import { rngFor } from "./idCodec.js";
import { PLACES } from "./names.js";
import { pick } from "./random.js";

export function buildAdministrativeUnit(n: number, id: string): GraphObject {
  const rand = rngFor(id);
  const [country, city] = pick(rand, PLACES);
  // v1.0 has no membershipType or dynamic-rule properties (beta only:
  // api-reference/v1.0/resources/administrativeunit.md), so none are generated.
  rand(); // keeps the draws after it as before
  return {
    id,
    displayName: `AU ${city} ${n}`,
    description: `Users and devices in ${city}, ${country}`,
    visibility: rand() < 0.2 ? "HiddenMembership" : null,
  };
}
