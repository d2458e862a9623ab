import type { ApiCall } from "../call.js";

/**
 * Built-in roles Entra labels privileged (entra-docs:
 * identity/role-based-access-control/privileged-roles-permissions.md), by
 * template ID, which built-in definitions use as their ID.
 */
export const PRIVILEGED_ROLES: ReadonlyMap<string, string> = new Map([
  ["62e90394-69f5-4237-9190-012177145e10", "Global Administrator"],
  ["e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator"],
  ["7be44c8a-adaf-4e2a-84d6-ab2649e08a13", "Privileged Authentication Administrator"],
  ["194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator"],
  ["fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"],
  ["729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator"],
  ["c4e39bd9-1100-46d3-8c65-fb160da0071f", "Authentication Administrator"],
  ["9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator"],
  ["f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"],
]);

/** The role an app needs to change sensitive properties of (or delete) a privileged user. */
export const PRIVILEGED_AUTH_ADMIN = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";

/** Tenant-wide privileged role assignments of a principal. */
export function privilegedRolesOf(call: ApiCall, principalId: string): string[] {
  return call.directory.extras
    .roleAssignments()
    .filter((a) => a["principalId"] === principalId && a["directoryScopeId"] === "/" && PRIVILEGED_ROLES.has(a["roleDefinitionId"] as string))
    .map((a) => a["roleDefinitionId"] as string);
}

/**
 * user-update.md and user-delete.md ("Who can perform sensitive actions"):
 * disabling or deleting a user who holds a privileged role needs the
 * calling app itself to hold Privileged Authentication Administrator (or
 * Global Administrator); otherwise 403 Authorization_RequestDenied.
 */
export function callerMayTouchPrivileged(call: ApiCall): boolean {
  let spId: string | undefined;
  for (const sp of call.directory.truth("servicePrincipals")) {
    if (sp["appId"] === call.claims.appid) {
      spId = sp.id;
      break;
    }
  }
  if (!spId) return false;
  const held = privilegedRolesOf(call, spId);
  return held.includes(PRIVILEGED_AUTH_ADMIN) || held.includes("62e90394-69f5-4237-9190-012177145e10");
}
