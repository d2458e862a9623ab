import type { ExtraRoute } from "../extras/routes.js";
import { handleAddRoleAssignment, handleEligibilityRequest, handleGrantAppRole, handleRemoveRoleAssignment, handleRevokeAppRole } from "./assignments.js";
import { handleAssignLicense } from "./licences.js";
import { handleCreateUser, handleDeleteUser, handleUpdateUser } from "./users.js";

/**
 * Provisioning writes: accounts, licences, app role assignments and
 * directory role assignments. Each is logged in the request log like any
 * /v1.0 call, so tests count Graph writes there.
 */
export function writeRoute(method: string, seg: readonly string[]): ExtraRoute | undefined {
  const [a, b, c, d] = seg;
  const len = seg.length;
  if (a === "users") {
    if (method === "POST" && len === 1) return { op: "userCreate", cost: 1, run: handleCreateUser };
    const id = b?.toLowerCase();
    if (id && len === 2 && method === "PATCH") return { op: "userEnableDisable", cost: 1, run: (x) => handleUpdateUser(x, id) };
    if (id && len === 2 && method === "DELETE") return { op: "userDelete", cost: 1, run: (x) => handleDeleteUser(x, id) };
    if (id && len === 3 && method === "POST" && c === "assignLicense") return { op: "licenceAssign", cost: 1, run: (x) => handleAssignLicense(x, id) };
  }
  if (a === "servicePrincipals" && b && c === "appRoleAssignedTo") {
    const spId = b.toLowerCase();
    if (method === "POST" && len === 3) return { op: "appRoleAssignmentWrite", cost: 1, run: (x) => handleGrantAppRole(x, spId) };
    if (method === "DELETE" && len === 4 && d) return { op: "appRoleAssignmentWrite", cost: 1, run: (x) => handleRevokeAppRole(x, spId, d) };
  }
  if (a === "roleManagement" && b === "directory") {
    if (c === "roleAssignments" && method === "POST" && len === 3) return { op: "roleAssignmentWrite", cost: 1, run: handleAddRoleAssignment };
    if (c === "roleAssignments" && method === "DELETE" && len === 4 && d) return { op: "roleAssignmentWrite", cost: 1, run: (x) => handleRemoveRoleAssignment(x, d) };
    if (c === "roleEligibilityScheduleRequests" && method === "POST" && len === 3) return { op: "roleEligibilityWrite", cost: 1, run: handleEligibilityRequest };
  }
  return undefined;
}
