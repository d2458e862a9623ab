import type { ApiCall } from "../call.js";
import { notFoundMessage } from "../errors.js";
import { opaqueId } from "../extras/build.js";
import { DEFAULT_LICENCES } from "../extras/kinds.js";
import type { GraphObject, JsonObject } from "../types.js";
import { GUID, invalidValue, objectBody } from "./body.js";

const DEFAULT_APP_ROLE = "00000000-0000-0000-0000-000000000000";
// Graph's answers (serviceprincipal-post-approleassignedto.md names the request; the texts are Graph's own).
const APP_ROLE_EXISTS = "Permission being assigned already exists on the object.";
const roleNotOnApp = (appId: string) => `Permission being assigned was not found on application '${appId}'.`;
const CONFLICT = "A conflicting object with one or more of the specified property values is present in the directory.";
// entra-docs identity/role-based-access-control/groups-concept.md: only groups created with isAssignableToRole can hold a role.
const notRoleAssignable = (id: string) => `Group '${id}' is not role-assignable: only groups created with isAssignableToRole set to true can be assigned to a role.`;

/** A live user, group or service principal, with its appRoleAssignment principalType. */
function principalOf(call: ApiCall, id: string): { object: GraphObject; type: "User" | "Group" | "ServicePrincipal" } | undefined {
  const u = call.directory.get("users", id);
  if (u) return { object: u, type: "User" };
  const g = call.directory.get("groups", id);
  if (g) return { object: g, type: "Group" };
  const sp = call.directory.get("servicePrincipals", id);
  return sp ? { object: sp, type: "ServicePrincipal" } : undefined;
}

const str = (b: JsonObject, k: string): string | undefined => (typeof b[k] === "string" ? (b[k]).toLowerCase() : undefined);

/** POST /v1.0/servicePrincipals/{id}/appRoleAssignedTo: 201; appRoleId must be one of the app's appRoles (or the default access role when it has none). */
export async function handleGrantAppRole(call: ApiCall, spId: string): Promise<void> {
  const body = await objectBody(call);
  if (!body) return;
  const principalId = str(body, "principalId");
  const appRoleId = str(body, "appRoleId");
  if (!principalId || !GUID.test(principalId)) return invalidValue(call, "principalId", "AppRoleAssignment");
  if (!appRoleId || !GUID.test(appRoleId)) return invalidValue(call, "appRoleId", "AppRoleAssignment");
  if (str(body, "resourceId") !== spId) return invalidValue(call, "resourceId", "AppRoleAssignment");
  const sp = call.directory.get("servicePrincipals", spId);
  if (!sp) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(spId));
  const principal = principalOf(call, principalId);
  if (!principal) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(principalId));
  const roles = (Array.isArray(sp.appRoles) ? sp.appRoles : []) as JsonObject[];
  const known = roles.length === 0 ? appRoleId === DEFAULT_APP_ROLE : roles.some((r) => r.id === appRoleId && r.isEnabled !== false);
  if (!known) return call.fail(400, "Request_BadRequest", roleNotOnApp(typeof sp.appId === "string" ? sp.appId : spId));
  const a = call.directory.extras.addAppRoleAssignment(sp, principal.object, principal.type, appRoleId);
  if (!a) return call.fail(400, "Request_BadRequest", APP_ROLE_EXISTS);
  call.ok({ "@odata.context": `${call.context(`servicePrincipals('${spId}')/appRoleAssignedTo`, null)}/$entity`, ...a }, 201);
}

/** DELETE /v1.0/servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}: 204. */
export function handleRevokeAppRole(call: ApiCall, spId: string, assignmentId: string): void {
  if (!call.directory.get("servicePrincipals", spId)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(spId));
  if (!call.directory.extras.removeAppRoleAssignment(spId, assignmentId)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(assignmentId));
  call.ok(undefined, 204);
}

/** Shared checks of a role assignment or eligibility; the target triple, or undefined after answering. */
function roleTarget(call: ApiCall, body: JsonObject, resource: string): { roleDefinitionId: string; principalId: string; directoryScopeId: string } | undefined {
  const roleDefinitionId = str(body, "roleDefinitionId");
  const principalId = str(body, "principalId");
  const directoryScopeId = typeof body.directoryScopeId === "string" ? body.directoryScopeId : undefined;
  if (!roleDefinitionId || !call.directory.extras.roleDefinitions().some((d) => d.id === roleDefinitionId)) return void invalidValue(call, "roleDefinitionId", resource);
  if (!principalId || !GUID.test(principalId)) return void invalidValue(call, "principalId", resource);
  const au = directoryScopeId ? /^\/administrativeUnits\/([0-9a-fA-F-]{36})$/.exec(directoryScopeId) : null;
  if (directoryScopeId !== "/" && !(au && call.directory.get("administrativeUnits", au[1]!.toLowerCase()))) return void invalidValue(call, "directoryScopeId", resource);
  const principal = principalOf(call, principalId);
  if (!principal) return void call.fail(404, "Request_ResourceNotFound", notFoundMessage(principalId));
  if (principal.type === "Group" && principal.object.isAssignableToRole !== true) return void call.fail(400, "Request_BadRequest", notRoleAssignable(principalId));
  return { roleDefinitionId, principalId, directoryScopeId: directoryScopeId! };
}

/** POST /v1.0/roleManagement/directory/roleAssignments (rbacapplication-post-roleassignments.md): 201. */
export async function handleAddRoleAssignment(call: ApiCall): Promise<void> {
  const body = await objectBody(call);
  if (!body) return;
  const t = roleTarget(call, body, "UnifiedRoleAssignment");
  if (!t) return;
  const a = call.directory.extras.addRoleAssignment(t.roleDefinitionId, t.principalId, t.directoryScopeId);
  if (!a) return call.fail(400, "Request_BadRequest", CONFLICT);
  call.ok({ "@odata.context": `${call.context("roleManagement/directory/roleAssignments", null)}/$entity`, ...a }, 201);
}

/** DELETE /v1.0/roleManagement/directory/roleAssignments/{id} (unifiedroleassignment-delete.md): 204. */
export function handleRemoveRoleAssignment(call: ApiCall, id: string): void {
  if (!call.directory.extras.removeRoleAssignment(id)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(id));
  call.ok(undefined, 204);
}

/**
 * POST /v1.0/roleManagement/directory/roleEligibilityScheduleRequests
 * (rbacapplication-post-roleeligibilityschedulerequests.md), action
 * adminAssign: 201 with the request, the eligibility in the next list.
 * Needs Entra ID P2 (400 AadPremiumLicenseRequired, as the list answers).
 */
export async function handleEligibilityRequest(call: ApiCall): Promise<void> {
  const body = await objectBody(call);
  if (!body) return;
  const lic = call.directory.spec.licences ?? DEFAULT_LICENCES;
  if (!lic.p2) return call.fail(400, "AadPremiumLicenseRequired", "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.");
  if (body.action !== "adminAssign") return invalidValue(call, "action", "UnifiedRoleEligibilityScheduleRequest");
  const t = roleTarget(call, body, "UnifiedRoleEligibilityScheduleRequest");
  if (!t) return;
  const info = (typeof body.scheduleInfo === "object" && body.scheduleInfo !== null && !Array.isArray(body.scheduleInfo) ? body.scheduleInfo : {});
  const start = typeof info.startDateTime === "string" && !Number.isNaN(Date.parse(info.startDateTime)) ? new Date(info.startDateTime).toISOString() : new Date().toISOString();
  const exp = (typeof info.expiration === "object" && info.expiration !== null && !Array.isArray(info.expiration) ? info.expiration : {});
  const end = exp.type === "afterDateTime" && typeof exp.endDateTime === "string" ? exp.endDateTime : null;
  const scheduleId = opaqueId(call.directory.spec.seed, "eligibilitySchedule", t.roleDefinitionId, t.principalId, t.directoryScopeId);
  const instance: GraphObject = {
    id: opaqueId(call.directory.spec.seed, "eligibility", t.roleDefinitionId, t.principalId, t.directoryScopeId),
    appScopeId: null,
    directoryScopeId: t.directoryScopeId,
    endDateTime: end,
    memberType: "Direct",
    principalId: t.principalId,
    roleDefinitionId: t.roleDefinitionId,
    roleEligibilityScheduleId: scheduleId,
    startDateTime: start,
  };
  if (!call.directory.extras.addRoleEligibility(instance)) return call.fail(400, "RoleAssignmentExists", "The Role assignment already exists.");
  call.ok(
    {
      "@odata.context": `${call.context("roleManagement/directory/roleEligibilityScheduleRequests", null)}/$entity`,
      id: opaqueId(call.directory.spec.seed, "eligibilityRequest", scheduleId, start),
      status: "Provisioned",
      action: "adminAssign",
      ...t,
      appScopeId: null,
      isValidationOnly: false,
      justification: typeof body.justification === "string" ? body.justification : null,
      createdDateTime: new Date().toISOString(),
      scheduleInfo: { startDateTime: start, expiration: { type: end ? "afterDateTime" : "noExpiration", endDateTime: end } },
      targetScheduleId: scheduleId,
    },
    201,
  );
}
