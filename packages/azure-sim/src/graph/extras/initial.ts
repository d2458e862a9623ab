import { MemberLinks } from "../memberLinks.js";
import type { GraphObject } from "../types.js";
import { auBaseMembers } from "./auLinks.js";
import {
  buildAppRoleAssignments,
  buildAuMembers,
  buildGrants,
  buildOwners,
  buildRoleAssignments,
  buildRoleDefinitions,
  buildRoleEligibilities,
  type ExtrasSource,
  type Pool,
} from "./build.js";
import { Managers, type UserIndex } from "./managers.js";
import type { OwnedType } from "./kinds.js";

/** The extra kinds as first built from the directory; mutations then change them in place. */
export interface Built {
  readonly roleDefinitions: GraphObject[];
  readonly roleAssignments: Map<string, GraphObject>;
  readonly roleEligibilities: GraphObject[];
  /** resourceId (service principal) → assignment id → assignment */
  readonly appRoleAssignments: Map<string, Map<string, GraphObject>>;
  readonly grants: Map<string, GraphObject>;
  /** parentId → owner user IDs, in order */
  readonly owners: Map<string, { type: OwnedType; ids: string[] }>;
  readonly managers: Managers;
  readonly auMembers: MemberLinks;
}

const collect = (g: Generator<string>): string[] => [...g];
const pool = (ids: readonly string[]): Pool => ({ length: ids.length, at: (i) => ids[i]! });

/** Builds every extra kind from the directory: O(objects), since managers, owners and assignments are one row each. */
export function buildExtras(s: ExtrasSource, u: UserIndex, baseDevices: Pool): Built {
  const users: Pool = { length: u.count, at: (i) => u.idAt(i) };
  const groupIds = collect(s.ids("groups"));
  const groups = pool(groupIds);
  const aus = pool(collect(s.ids("administrativeUnits")));
  const byResource = new Map<string, Map<string, GraphObject>>();
  for (const a of buildAppRoleAssignments(s, users, groups)) {
    const rid = a["resourceId"] as string;
    const m = byResource.get(rid) ?? new Map<string, GraphObject>();
    m.set(a.id, a);
    byResource.set(rid, m);
  }
  const owners = new Map<string, { type: OwnedType; ids: string[] }>();
  const parents = { groups: groupIds, applications: collect(s.ids("applications")), servicePrincipals: collect(s.ids("servicePrincipals")) };
  for (const o of buildOwners(s.seed, parents, users)) {
    const e = owners.get(o.parentId) ?? { type: o.parentType, ids: [] };
    if (!e.ids.includes(o.ownerId)) e.ids.push(o.ownerId);
    owners.set(o.parentId, e);
  }
  return {
    roleDefinitions: buildRoleDefinitions(),
    roleAssignments: new Map(buildRoleAssignments(s, users, aus).map((a) => [a.id, a])),
    roleEligibilities: buildRoleEligibilities(s.seed, users, aus),
    appRoleAssignments: byResource,
    grants: new Map(buildGrants(s, users).map((g) => [g.id, g])),
    owners,
    managers: new Managers(s.seed, u),
    auMembers: new MemberLinks(auBaseMembers(buildAuMembers(s.seed, aus, users, baseDevices))),
  };
}
