import { odata } from "@azure/data-tables";
import { textOf } from "../domain/text.js";
import type { Services } from "../services.js";
import type { AppGrants } from "./app-token.js";
import type { Refusal } from "./execute.js";

/**
 * Built-in roles Entra labels privileged, by template ID (entra-docs
 * identity/role-based-access-control/privileged-roles-permissions.md).
 */
const PRIVILEGED: ReadonlyMap<string, string> = new Map([
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

/** The directory role an app needs to disable or delete a privileged user ("Who can perform sensitive actions", user-update.md, user-delete.md). */
export const PRIVILEGED_AUTH_ADMIN = { id: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13", name: "Privileged Authentication Administrator" } as const;
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";

/**
 * Refuses a sensitive change to a user who holds a privileged role
 * tenant-wide (from the synced role assignments), unless the app itself
 * holds Privileged Authentication Administrator or Global Administrator
 * (its token's `wids`). Graph would answer 403 Authorization_RequestDenied.
 */
export async function privilegedRefusal(services: Services, tenantId: string, userId: string, grants: AppGrants, what: string): Promise<Refusal | undefined> {
  if (grants.wids.has(PRIVILEGED_AUTH_ADMIN.id) || grants.wids.has(GLOBAL_ADMIN)) return undefined;
  const objects = services.objects(tenantId);
  const roles: string[] = [];
  // A role assignment row's name is its principalId (graph/resources/role-management.ts).
  for await (const a of objects.list("roleAssignments", odata`name eq ${userId}`)) {
    const def = textOf(a.data.roleDefinitionId);
    if (a.data.directoryScopeId !== "/" || !PRIVILEGED.has(def)) continue;
    const stored = await objects.get("roleDefinitions", def);
    roles.push(textOf(stored?.data.displayName, PRIVILEGED.get(def) ?? def));
  }
  if (roles.length === 0) return undefined;
  return {
    status: 403,
    code: "PrivilegedTargetUser",
    message: `The user holds the privileged directory role ${roles.join(", ")}: to ${what} such a user, Graph requires the app itself to hold the ${PRIVILEGED_AUTH_ADMIN.name} directory role (user-update.md, "Who can perform sensitive actions"). Assign that role to the app, or make the change in the Entra admin center.`,
    details: { roles, requiredAppRole: PRIVILEGED_AUTH_ADMIN.name },
  };
}
