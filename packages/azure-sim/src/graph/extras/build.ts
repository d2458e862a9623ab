import { createHash } from "node:crypto";
import { stableGuid, stableUnit } from "../../ids.js";
import { ROLE_TEMPLATES } from "../gen/roles.js";
import { pastDate } from "../gen/random.js";
import { rngFor } from "../gen/idCodec.js";
import type { GraphObject, JsonObject, MemberRef } from "../types.js";
import type { OwnedType } from "./kinds.js";

/** IDs picked by index without listing them all (a 100k-user tenant's IDs cost time to compute). */
export interface Pool {
  readonly length: number;
  at(i: number): string;
}

/** What the extras read from the directory. */
export interface ExtrasSource {
  readonly seed: number;
  /** IDs of live objects of a type, in table order. */
  ids(type: "users" | "groups" | "applications" | "servicePrincipals" | "administrativeUnits" | "directoryRoles" | "devices"): Generator<string>;
  object(type: "users" | "groups" | "applications" | "servicePrincipals" | "directoryRoles" | "devices", id: string): GraphObject | undefined;
  roleMembersOf(roleId: string): Generator<MemberRef>;
  /** The object exists and is not deleted. */
  live(id: string): boolean;
}

/** Opaque IDs as Graph gives appRoleAssignments and oauth2PermissionGrants: 43 base64url characters. */
export function opaqueId(...parts: Array<string | number>): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 43);
}

const ROLE_ACTIONS: Readonly<Record<string, string>> = {
  "Global Administrator": "microsoft.directory/allEntities/allProperties/allTasks",
  "User Administrator": "microsoft.directory/users/allProperties/allTasks",
  "Groups Administrator": "microsoft.directory/groups/allProperties/allTasks",
  "Helpdesk Administrator": "microsoft.directory/users/password/update",
  "Security Reader": "microsoft.directory/auditLogs/allProperties/read",
  "Application Administrator": "microsoft.directory/applications/allProperties/allTasks",
  "Global Reader": "microsoft.directory/allEntities/allProperties/read",
};

/** api-reference/v1.0/resources/unifiedroledefinition.md: built-in roles carry their template ID as their ID. */
export function buildRoleDefinitions(): GraphObject[] {
  return ROLE_TEMPLATES.map(([displayName, templateId]) => ({
    id: templateId,
    description: `Built-in role: ${displayName}.`,
    displayName,
    isBuiltIn: true,
    isEnabled: true,
    resourceScopes: ["/"],
    rolePermissions: [{ allowedResourceActions: [ROLE_ACTIONS[displayName] ?? "microsoft.directory/allEntities/allProperties/read"], condition: null }],
    templateId,
    version: "1",
  }));
}

/** api-reference/v1.0/resources/unifiedroleassignment.md; directoryScopeId is "/" or "/administrativeUnits/{id}". */
export function roleAssignment(seed: number, roleDefinitionId: string, principalId: string, directoryScopeId: string): GraphObject {
  return { id: opaqueId(seed, "roleAssignment", roleDefinitionId, principalId, directoryScopeId), appScopeId: null, condition: null, directoryScopeId, principalId, roleDefinitionId };
}

/** Active assignments: the activated roles' members tenant-wide, and a scoped User/Helpdesk Administrator per administrative unit. */
export function buildRoleAssignments(src: ExtrasSource, users: Pool, aus: Pool): GraphObject[] {
  const out: GraphObject[] = [];
  const roleIds = [...src.ids("directoryRoles")];
  for (const roleId of roleIds) {
    const role = src.object("directoryRoles", roleId);
    const templateId = role?.["roleTemplateId"];
    if (typeof templateId !== "string") continue;
    for (const m of src.roleMembersOf(roleId)) out.push(roleAssignment(src.seed, templateId, m.id, "/"));
  }
  Array.from({ length: aus.length }, (_, a) => aus.at(a)).forEach((au, a) => {
    if (users.length === 0) return;
    const u = users.at(Math.floor(stableUnit(src.seed, "auAdmin", au) * users.length));
    const [, templateId] = ROLE_TEMPLATES[a % 2 === 0 ? 1 : 3]!;
    out.push(roleAssignment(src.seed, templateId, u, `/administrativeUnits/${au}`));
  });
  return out;
}

const DAY = 86_400_000;

/** api-reference/v1.0/resources/unifiedroleeligibilityscheduleinstance.md: PIM eligibilities, about half with an end date. */
export function buildRoleEligibilities(seed: number, users: Pool, aus: Pool): GraphObject[] {
  const out: GraphObject[] = [];
  if (users.length === 0) return out;
  ROLE_TEMPLATES.forEach(([, templateId], r) => {
    const rand = rngFor(stableGuid(seed, "eligible", templateId));
    const n = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < n; k++) {
      const principalId = users.at(Math.floor(rand() * users.length));
      const scoped = aus.length > 0 && r % 3 === 1 && k === 0;
      const directoryScopeId = scoped ? `/administrativeUnits/${aus.at(Math.floor(rand() * aus.length))}` : "/";
      const start = pastDate(rand);
      const end = rand() < 0.5 ? new Date(Date.parse(start) + (90 + Math.floor(rand() * 900)) * DAY).toISOString().replace(".000Z", "Z") : null;
      const scheduleId = opaqueId(seed, "eligibilitySchedule", templateId, principalId, directoryScopeId);
      out.push({
        id: opaqueId(seed, "eligibility", templateId, principalId, directoryScopeId),
        appScopeId: null,
        directoryScopeId,
        endDateTime: end,
        memberType: "Direct",
        principalId,
        roleDefinitionId: templateId,
        roleEligibilityScheduleId: scheduleId,
        startDateTime: start,
      });
    }
  });
  return out;
}

/** The default access role, for apps that define none (api-reference/v1.0/resources/approleassignment.md). */
export const DEFAULT_APP_ROLE = "00000000-0000-0000-0000-000000000000";

export function appRoleAssignment(seed: number, resource: GraphObject, principal: GraphObject, principalType: "User" | "Group" | "ServicePrincipal", createdDateTime: string, appRoleId = DEFAULT_APP_ROLE): GraphObject {
  return {
    id: appRoleId === DEFAULT_APP_ROLE ? opaqueId(seed, "appRoleAssignment", resource.id, principal.id) : opaqueId(seed, "appRoleAssignment", resource.id, principal.id, appRoleId),
    appRoleId,
    createdDateTime,
    deletedDateTime: null,
    principalDisplayName: (principal["displayName"] as string | undefined) ?? null,
    principalId: principal.id,
    principalType,
    resourceDisplayName: (resource["displayName"] as string | undefined) ?? null,
    resourceId: resource.id,
  };
}

/** The tenant's own enterprise apps each hold 1–5 assignments (users, now and then a group). */
export function buildAppRoleAssignments(src: ExtrasSource, users: Pool, groups: Pool): GraphObject[] {
  const out: GraphObject[] = [];
  if (users.length === 0) return out;
  for (const spId of src.ids("servicePrincipals")) {
    const sp = src.object("servicePrincipals", spId);
    if (!sp || sp["servicePrincipalType"] !== "Application" || typeof sp["appOwnerOrganizationId"] !== "string") continue;
    const rand = rngFor(spId, 7);
    const n = 1 + Math.floor(rand() * 5);
    const seen = new Set<string>();
    for (let k = 0; k < n; k++) {
      const useGroup = groups.length > 0 && rand() < 0.2;
      const pid = useGroup ? groups.at(Math.floor(rand() * groups.length)) : users.at(Math.floor(rand() * users.length));
      if (seen.has(pid)) continue;
      seen.add(pid);
      const principal = src.object(useGroup ? "groups" : "users", pid);
      if (principal) out.push(appRoleAssignment(src.seed, sp, principal, useGroup ? "Group" : "User", pastDate(rand)));
    }
  }
  return out;
}

/** api-reference/v1.0/resources/oauth2permissiongrant.md: admin consents (AllPrincipals) and a few user consents (Principal). */
export function buildGrants(src: ExtrasSource, users: Pool): GraphObject[] {
  const sps = [...src.ids("servicePrincipals")].map((id) => src.object("servicePrincipals", id)).filter((o): o is GraphObject => o !== undefined);
  // The Microsoft Graph service principal, when the tenant has one.
  const resource = sps.find((s) => s["appId"] === "00000003-0000-0000-c000-000000000000") ?? sps[0];
  if (!resource) return [];
  const out: GraphObject[] = [];
  for (const sp of sps) {
    if (sp.id === resource.id || sp["servicePrincipalType"] !== "Application") continue;
    const rand = rngFor(sp.id, 11);
    if (rand() < 0.4) continue;
    const principal = rand() < 0.3 && users.length > 0 ? users.at(Math.floor(rand() * users.length)) : null;
    out.push({
      id: opaqueId(src.seed, "grant", sp.id, resource.id, principal ?? "all"),
      clientId: sp.id,
      consentType: principal ? "Principal" : "AllPrincipals",
      principalId: principal,
      resourceId: resource.id,
      scope: rand() < 0.5 ? "User.Read openid profile offline_access" : "User.Read Group.Read.All",
    });
  }
  return out;
}

export interface OwnerLink {
  readonly parentType: OwnedType;
  readonly parentId: string;
  readonly ownerId: string;
}

/** Owners: most groups and apps have one or two users as owners. */
export function buildOwners(seed: number, parents: Readonly<Record<OwnedType, readonly string[]>>, users: Pool): OwnerLink[] {
  const out: OwnerLink[] = [];
  if (users.length === 0) return out;
  for (const parentType of ["groups", "applications", "servicePrincipals"] as const) {
    for (const parentId of parents[parentType]) {
      const u = stableUnit(seed, "owners", parentId);
      const n = u < 0.25 ? 0 : u < 0.85 ? 1 : 2;
      for (let k = 0; k < n; k++) {
        const ownerId = users.at(Math.floor(stableUnit(seed, "owner", parentId, k) * users.length));
        if (!out.some((o) => o.parentId === parentId && o.ownerId === ownerId && k > 0)) out.push({ parentType, parentId, ownerId });
      }
    }
  }
  return out;
}

/** Administrative-unit members: users (and a device or two) picked per unit. */
export function buildAuMembers(seed: number, aus: Pool, users: Pool, devices: Pool): Array<{ auId: string; member: MemberRef }> {
  const out: Array<{ auId: string; member: MemberRef }> = [];
  for (let a = 0; a < aus.length; a++) {
    const auId = aus.at(a);
    const rand = rngFor(stableGuid(seed, "auMembers", auId));
    const seen = new Set<string>();
    const n = Math.min(users.length, 5 + Math.floor(rand() * 40));
    while (seen.size < n) {
      const id = users.at(Math.floor(rand() * users.length));
      if (!seen.has(id)) out.push({ auId, member: { id, kind: "user" } });
      seen.add(id);
    }
    if (devices.length > 0) out.push({ auId, member: { id: devices.at(Math.floor(rand() * devices.length)), kind: "device" } });
  }
  return out;
}

/** api-reference/v1.0/resources/signinactivity.md: last sign-ins, some users never signed in (null). */
export function signInActivity(seed: number, userId: string): JsonObject {
  const rand = rngFor(stableGuid(seed, "signIn", userId));
  if (rand() < 0.1) {
    return { lastSignInDateTime: null, lastSignInRequestId: null, lastNonInteractiveSignInDateTime: null, lastNonInteractiveSignInRequestId: null, lastSuccessfulSignInDateTime: null, lastSuccessfulSignInRequestId: null };
  }
  const at = () => new Date(Date.UTC(2025, 0, 1) + Math.floor(rand() * 300 * 86_400) * 1000).toISOString().replace(".000Z", "Z");
  const interactive = at();
  const nonInteractive = at();
  const success = rand() < 0.9 ? (interactive > nonInteractive ? interactive : nonInteractive) : interactive;
  return {
    lastSignInDateTime: interactive,
    lastSignInRequestId: stableGuid(seed, "signInReq", userId, 1),
    lastNonInteractiveSignInDateTime: nonInteractive,
    lastNonInteractiveSignInRequestId: stableGuid(seed, "signInReq", userId, 2),
    lastSuccessfulSignInDateTime: success,
    lastSuccessfulSignInRequestId: stableGuid(seed, "signInReq", userId, 3),
  };
}
