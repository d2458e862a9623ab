import type { DirectorySpec } from "../../azure-sim/src/model.js";
import { defaultSpec } from "../../azure-sim/src/graph/spec.js";

/**
 * The generated tenant, proportional to its users. At 100k users: 20k groups
 * of 15 members on average (300k memberships, plus one large group of
 * 1,500), 30k devices, 500 applications with their service principals, 1,000
 * further service principals (100 of them managed identities) and 50
 * administrative units. Without `premium` the tenant has no Entra ID P1 or
 * P2, so Graph refuses the sign-in list (and PIM) and the service skips it.
 */
export function benchSpec(users: number, seed: number, premium = true): DirectorySpec {
  const per = (n: number) => Math.max(1, Math.round((users * n) / 100_000));
  return defaultSpec({
    seed,
    users,
    groups: per(20_000),
    avgGroupMembers: 15,
    largeGroupMembers: Math.min(users, per(1_500)),
    devices: per(30_000),
    applications: per(500),
    extraServicePrincipals: per(1_000),
    managedIdentities: per(100),
    administrativeUnits: per(50),
    ...(premium ? {} : { licences: { p1: false, p2: false } }),
  });
}
