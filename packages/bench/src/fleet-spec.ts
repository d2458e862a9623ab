import type { DirectorySpec } from "../../azure-sim/src/model.js";
import { benchSpec } from "./spec.js";
import { prng } from "../../azure-sim/src/ids.js";

export interface FleetTenantSpec {
  readonly users: number;
  readonly large: boolean;
  readonly spec: DirectorySpec;
}

export const SMALL_MIN_USERS = 50;
export const SMALL_MAX_USERS = 500;


function largeTenantsFor(small: number): { count: number; users: number } {
  if (small >= 1_000) return { count: 3, users: 20_000 };
  if (small >= 100) return { count: 1, users: 5_000 };
  return { count: small >= 20 ? 1 : 0, users: 2_000 };
}

/**
 * `small` tenants of 50 to 500 users (uniform), each shaped like the bench
 * tenant (benchSpec: groups, devices, apps in proportion), plus a few large
 * ones: 3 of 20,000 users from 1,000 small tenants up, 1 of 5,000 from
 * 100, 1 of 2,000 from 20, none below.
 */
export function fleetTenants(small: number, seed: number, large = largeTenantsFor(small)): FleetTenantSpec[] {
  const next = prng(seed);
  const out: FleetTenantSpec[] = [];
  for (let i = 0; i < small; i++) {
    const users = SMALL_MIN_USERS + Math.floor(next() * (SMALL_MAX_USERS - SMALL_MIN_USERS + 1));
    out.push({ users, large: false, spec: benchSpec(users, seed + i) });
  }
  for (let i = 0; i < large.count; i++) out.push({ users: large.users, large: true, spec: benchSpec(large.users, seed + small + i) });
  return out;
}
