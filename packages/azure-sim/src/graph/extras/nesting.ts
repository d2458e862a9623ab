import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../../http.js";
import type { SimTenant } from "../../registry.js";
import { ControlError } from "../controlBody.js";
import type { Directory } from "../directory.js";
import { memberWriteBlock } from "../groupRules.js";
import { odataType, type GraphObject } from "../types.js";
import { SKUS } from "../gen/skus.js";

/**
 * Nested membership for tests and the demo, and the truth to compare with:
 * computed here from the simulator's own links, independently of the
 * service's index.
 *
 * Graph documents no refusal of a membership cycle: group-post-members.md
 * (api-reference/v1.0/api) answers 400 only for an existing member and 404
 * for a missing object, so the simulator accepts one, as Graph does.
 * Role-assignable groups take no nested group ("Group nesting isn't
 * supported", entra/identity/role-based-access-control/groups-concept.md):
 * the scenario nests only cloud security groups, whose members clients may change.
 */

/** Cloud security groups whose members Graph lets clients change, and that may hold other groups. */
function nestable(g: GraphObject): boolean {
  const types = Array.isArray(g.groupTypes) ? g.groupTypes : [];
  return memberWriteBlock(g) === null && g.isAssignableToRole !== true && !types.includes("Unified") && g.securityEnabled === true;
}

/** Every live group's direct members, as the simulator holds them. */
function groupMembers(dir: Directory): Map<string, Array<{ id: string; type: string }>> {
  const out = new Map<string, Array<{ id: string; type: string }>>();
  for (const { groupId, member } of dir.memberships()) {
    const list = out.get(groupId) ?? [];
    list.push({ id: member.id, type: odataType(member.kind) });
    out.set(groupId, list);
  }
  return out;
}

/** Every member reached from `groupId` through nested groups (the group itself left out, as Graph's transitiveMembers does). */
export function transitiveMembersTruth(dir: Directory, groupId: string): Array<{ id: string; type: string }> {
  const links = groupMembers(dir);
  const seen = new Map<string, string>();
  const queue = [groupId];
  const walked = new Set([groupId]);
  while (queue.length > 0) {
    const g = queue.shift()!;
    for (const m of links.get(g) ?? []) {
      if (m.id !== groupId) seen.set(m.id, m.type);
      if (m.type === "#microsoft.graph.group" && !walked.has(m.id)) {
        walked.add(m.id);
        queue.push(m.id);
      }
    }
  }
  return [...seen].map(([id, type]) => ({ id, type })).sort((a, b) => a.id.localeCompare(b.id));
}

/** Groups (through nesting), directory roles (directly or through a member group) and administrative units (directly) that hold `objectId`. */
export function transitiveMemberOfTruth(dir: Directory, objectId: string): Array<{ id: string; type: string }> {
  const parents = new Map<string, string[]>();
  for (const [g, ms] of groupMembers(dir)) for (const m of ms) parents.set(m.id, [...(parents.get(m.id) ?? []), g]);
  const groups = new Set<string>();
  const queue = [objectId];
  while (queue.length > 0) {
    const x = queue.shift()!;
    for (const g of parents.get(x) ?? []) {
      if (g === objectId || groups.has(g)) continue;
      groups.add(g);
      queue.push(g);
    }
  }
  const out = [...groups].map((id) => ({ id, type: "#microsoft.graph.group" }));
  const holders = new Set([objectId, ...groups]);
  for (const role of dir.truth("directoryRoles")) {
    for (const m of dir.roleMembersOf(role.id)) if (holders.has(m.id)) out.push({ id: role.id, type: "#microsoft.graph.directoryRole" });
  }
  for (const r of dir.extras.administrativeUnitMembers()) if (r.memberId === objectId) out.push({ id: r.administrativeUnitId, type: "#microsoft.graph.administrativeUnit" });
  return [...new Map(out.map((o) => [o.id, o])).values()].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Lays the nesting scenario over a tenant: four cloud security groups
 * nested A ⊃ B ⊃ C ⊃ D with D ⊃ A closing a cycle, a user in D (three
 * levels below A) that also holds a PIM eligibility, a role-assignable group
 * holding the user with a tenant-wide role assigned to the group, an app
 * role assigned to D, and the user's E3 licence with one plan disabled.
 */
export function seedNesting(dir: Directory) {
  const groups = [...dir.truth("groups")].filter(nestable).slice(0, 4);
  const roleGroup = [...dir.truth("groups")].find((g) => g.isAssignableToRole === true);
  const eligibility = dir.extras.roleEligibilities().find((e) => e["directoryScopeId"] === "/");
  const userId = eligibility?.["principalId"];
  const roleDefinition = dir.extras.roleDefinitions()[0];
  const resource = [...dir.truth("servicePrincipals")][0];
  const [a, b, c, d] = groups;
  if (!a || !b || !c || !d || !roleGroup || typeof userId !== "string" || !dir.get("users", userId) || !roleDefinition || !resource) {
    throw new ControlError(409, "ScenarioUnavailable", "the tenant needs four cloud security groups, a role-assignable group, a tenant-wide eligibility and a service principal");
  }
  for (const [parent, child] of [[a, b], [b, c], [c, d], [d, a]] as const) dir.addMember(parent.id, child.id);
  dir.addMember(d.id, userId);
  dir.addMember(roleGroup.id, userId);
  const assignment = dir.extras.addRoleAssignment(roleDefinition.id, roleGroup.id, "/");
  const user = dir.get("users", userId)!;
  const appRole = dir.extras.addAppRoleAssignment(resource, d, "Group");
  const e3 = SKUS[0];
  const disabled = e3.servicePlans[2].servicePlanId;
  dir.update("users", userId, { assignedLicenses: [{ skuId: e3.skuId, disabledPlans: [disabled] }] });
  return {
    groups: { a: a.id, b: b.id, c: c.id, d: d.id },
    userId,
    userName: user["displayName"] ?? null,
    roleGroupId: roleGroup.id,
    roleDefinitionId: roleDefinition.id,
    roleAssignmentId: assignment?.id ?? null,
    eligibilityId: eligibility?.["id"] ?? null,
    appRoleAssignmentId: appRole?.id ?? null,
    licence: { skuId: e3.skuId, skuPartNumber: e3.skuPartNumber, disabledPlan: disabled },
  };
}

/**
 * Control routes of the scenario:
 * - POST scenarios/nesting                 lays it over the tenant; the IDs it used
 * - GET  truth/transitiveMembers/{groupId} every member through nesting
 * - GET  truth/transitiveMemberOf/{id}     every group, role and unit holding the object
 */
export function nestingRoute(req: IncomingMessage, res: ServerResponse, t: SimTenant, rest: readonly string[]): boolean {
  const [a, b, c] = rest;
  const dir = t.directory;
  if (req.method === "POST" && a === "scenarios" && b === "nesting" && rest.length === 2) sendJson(res, 200, seedNesting(dir));
  else if (req.method === "GET" && a === "truth" && b === "transitiveMembers" && c && rest.length === 3) {
    if (!dir.get("groups", c)) throw new ControlError(404, "ObjectNotFound", `no live group ${c}`);
    sendJson(res, 200, transitiveMembersTruth(dir, c));
  } else if (req.method === "GET" && a === "truth" && b === "transitiveMemberOf" && c && rest.length === 3) sendJson(res, 200, transitiveMemberOfTruth(dir, c));
  else return false;
  return true;
}
