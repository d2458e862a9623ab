import { z } from "zod";
import { grantAppRole, revokeAppRole } from "../../provisioning/app-roles.js";
import { addRoleAssignment, addRoleEligibility, removeRoleAssignment } from "../../provisioning/directory-roles.js";
import { RequestError } from "../errors.js";
import { route } from "../route.js";
import { loadTenant } from "../tenant-param.js";
import { actorOf, answer, guidParam, guidField as guid } from "./provisioning-answer.js";

// unifiedroleassignment.md: directoryScopeId "/" (tenant) or "/administrativeUnits/{id}".
const scope = z.union([z.literal("/"), z.string().regex(/^\/administrativeUnits\/[0-9a-fA-F-]{36}$/, "expected / or /administrativeUnits/{id}")]).default("/");
const roleBody = z.object({ roleDefinitionId: guid, principalId: guid, directoryScopeId: scope }).strict();
const eligibilityBody = z.object({ roleDefinitionId: guid, principalId: guid, directoryScopeId: scope, endDateTime: z.string().datetime({ offset: true }).optional(), justification: z.string().max(500).optional() }).strict();
const appRoleBody = z.object({ principalId: guid, appRoleId: guid }).strict();
/** Opaque assignment IDs (base64url, as Graph gives them). */
const opaqueParam = (v: string | undefined, name: string): string => {
  if (!v || !/^[A-Za-z0-9_-]{1,128}$/.test(v)) throw new RequestError(400, "ValidationError", `${name}: expected an assignment ID`, [{ path: `params.${name}`, message: "expected an assignment ID" }]);
  return v;
};

export const roleProvisioningRoutes = [
  route({
    name: "grantAppRole",
    method: "POST",
    path: "tenants/{id}/servicePrincipals/{spId}/appRoleAssignments",
    access: "admin",
    summary: "Grant an enterprise app's role to a user or group (appRoleAssignedTo); the app role ID is checked against the app's appRoles",
    body: appRoleBody,
    responses: { 200: "Granted (or already so)", 400: "Invalid input or an app role the app does not define", 403: "The app lacks AppRoleAssignment.ReadWrite.All", 404: "No such tenant, service principal or principal" },
    async handler(req) {
      const { value: t } = await loadTenant(req.deps, req.params.id);
      return answer(await grantAppRole(req.deps.services, t, actorOf(req), guidParam(req, "spId"), req.body.principalId, req.body.appRoleId));
    },
  }),
  route({
    name: "revokeAppRole",
    method: "DELETE",
    path: "tenants/{id}/servicePrincipals/{spId}/appRoleAssignments/{assignmentId}",
    access: "admin",
    summary: "Revoke an app role assignment",
    responses: { 200: "Revoked (or already gone)", 400: "Invalid input", 403: "The app lacks AppRoleAssignment.ReadWrite.All", 404: "No such tenant" },
    async handler(req) {
      const { value: t } = await loadTenant(req.deps, req.params.id);
      return answer(await revokeAppRole(req.deps.services, t, actorOf(req), guidParam(req, "spId"), opaqueParam(req.params.assignmentId, "assignmentId")));
    },
  }),
  route({
    name: "addRoleAssignment",
    method: "POST",
    path: "tenants/{id}/roleAssignments",
    access: "admin",
    summary: "Add an active directory role assignment (role definition, principal, scope)",
    body: roleBody,
    responses: { 200: "Assigned (or already so)", 400: "Invalid input, an unknown role, or a group that is not role-assignable", 403: "The app lacks RoleManagement.ReadWrite.Directory", 404: "No such tenant or principal" },
    async handler(req) {
      const { value: t } = await loadTenant(req.deps, req.params.id);
      return answer(await addRoleAssignment(req.deps.services, t, actorOf(req), req.body));
    },
  }),
  route({
    name: "removeRoleAssignment",
    method: "DELETE",
    path: "tenants/{id}/roleAssignments/{assignmentId}",
    access: "admin",
    summary: "Remove an active directory role assignment",
    responses: { 200: "Removed (or already gone)", 400: "Invalid input", 403: "The app lacks RoleManagement.ReadWrite.Directory", 404: "No such tenant" },
    async handler(req) {
      const { value: t } = await loadTenant(req.deps, req.params.id);
      return answer(await removeRoleAssignment(req.deps.services, t, actorOf(req), opaqueParam(req.params.assignmentId, "assignmentId")));
    },
  }),
  route({
    name: "addRoleEligibility",
    method: "POST",
    path: "tenants/{id}/roleEligibilities",
    access: "admin",
    summary: "Make a principal eligible for a directory role through PIM (adminAssign)",
    body: eligibilityBody,
    responses: { 200: "Eligible (or already so)", 400: "Invalid input, an unknown role, or a group that is not role-assignable", 403: "The app lacks RoleEligibilitySchedule.ReadWrite.Directory", 404: "No such tenant", 409: "The tenant lacks Entra ID P2" },
    async handler(req) {
      const { value: t } = await loadTenant(req.deps, req.params.id);
      return answer(await addRoleEligibility(req.deps.services, t, actorOf(req), req.body));
    },
  }),
];
