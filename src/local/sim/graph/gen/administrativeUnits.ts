import type { GraphObject } from "../types.js";
import { rngFor } from "./idCodec.js";
import { PLACES } from "./names.js";
import { pick } from "./random.js";

export function buildAdministrativeUnit(n: number, id: string): GraphObject {
  const rand = rngFor(id);
  const [country, city] = pick(rand, PLACES);
  const dynamic = rand() < 0.3;
  return {
    id,
    displayName: `AU ${city} ${n}`,
    description: `Users and devices in ${city}, ${country}`,
    visibility: rand() < 0.2 ? "HiddenMembership" : null,
    membershipType: dynamic ? "Dynamic" : "Assigned",
    membershipRule: dynamic ? `(user.city -eq "${city}")` : null,
    membershipRuleProcessingState: dynamic ? "On" : null,
  };
}
