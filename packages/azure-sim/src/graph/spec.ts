import { z } from "zod";
import type { DirectorySpec } from "../model.js";

/** The demo tenant's shape: one large group above the 500-link page cap twice over. */
export const DEFAULT_SPEC: DirectorySpec = Object.freeze({
  seed: 1,
  users: 2000,
  groups: 150,
  avgGroupMembers: 12,
  largeGroupMembers: 1500,
  devices: 800,
  applications: 30,
  extraServicePrincipals: 40,
  managedIdentities: 8,
  administrativeUnits: 6,
});

const count = (max: number) => z.number().int().min(0).max(max);

/** A partial spec as clients send it (POST /_sim/tenants). */
export const partialSpecSchema = z.strictObject({
  seed: z.number().int().min(0).max(0xffff_ffff).optional(),
  users: count(2_000_000).optional(),
  groups: count(500_000).optional(),
  avgGroupMembers: count(100_000).optional(),
  largeGroupMembers: count(2_000_000).optional(),
  devices: count(2_000_000).optional(),
  applications: count(100_000).optional(),
  extraServicePrincipals: count(100_000).optional(),
  managedIdentities: count(100_000).optional(),
  administrativeUnits: count(100_000).optional(),
  licences: z.strictObject({ p1: z.boolean(), p2: z.boolean() }).optional(),
});

/** A full spec: the defaults, overridden by `partial`. */
export function defaultSpec(partial: Partial<DirectorySpec> = {}): DirectorySpec {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return Object.freeze({ ...DEFAULT_SPEC, ...defined });
}
