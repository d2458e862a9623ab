import { textOf } from "../../domain/text.js";
import type { ResourceModuleOf } from "../resource.js";

// Read by RoleManagement.Read.Directory or any broader grant (api-reference/v1.0/api/rbacapplication-list-roleassignments.md,
// rbacapplication-list-roledefinitions.md in microsoft-graph-docs-contrib).
const ROLE_READ = ["RoleManagement.Read.Directory", "RoleManagement.Read.All", "Directory.Read.All", "RoleManagement.ReadWrite.Directory", "Directory.ReadWrite.All"];

/**
 * Directory role definitions, built-in and custom. v1.0 has no delta for
 * them (no unifiedroleassignment-delta or unifiedroledefinition-delta page),
 * so a full list every run; the list takes `$select`
 * (api-reference/v1.0/api/rbacapplication-list-roledefinitions.md).
 */
export const roleDefinitions: ResourceModuleOf<"roleDefinitions"> = {
  type: "roleDefinitions",
  path: "/roleManagement/directory/roleDefinitions",
  mode: "list",
  // Properties of api-reference/v1.0/resources/unifiedroledefinition.md.
  select: ["displayName", "description", "isBuiltIn", "isEnabled", "templateId", "version", "resourceScopes", "rolePermissions"],
  permission: "RoleManagement.Read.Directory",
  grantedBy: ROLE_READ,
  name: (o) => textOf(o.displayName),
};

/**
 * Active role assignments: who (principalId) holds which role
 * (roleDefinitionId) where (directoryScopeId "/" for the tenant, or
 * "/administrativeUnits/{id}"). No delta in v1.0: a full list every run, with
 * `$select` (api-reference/v1.0/api/rbacapplication-list-roleassignments.md).
 */
export const roleAssignments: ResourceModuleOf<"roleAssignments"> = {
  type: "roleAssignments",
  path: "/roleManagement/directory/roleAssignments",
  mode: "list",
  // Properties of api-reference/v1.0/resources/unifiedroleassignment.md.
  select: ["principalId", "roleDefinitionId", "directoryScopeId", "appScopeId", "condition"],
  permission: "RoleManagement.Read.Directory",
  grantedBy: ROLE_READ,
  name: (o) => textOf(o.principalId),
};

/**
 * PIM-eligible assignments, each with its start and end (endDateTime null:
 * permanent). A list (no delta in v1.0) with `$select`
 * (api-reference/v1.0/api/rbacapplication-list-roleeligibilityscheduleinstances.md).
 * Needs Entra ID P2 or Governance: without it Graph answers 400
 * AadPremiumLicenseRequired and the kind is skipped with that text.
 */
export const roleEligibilities: ResourceModuleOf<"roleEligibilities"> = {
  type: "roleEligibilities",
  path: "/roleManagement/directory/roleEligibilityScheduleInstances",
  mode: "list",
  // Properties of api-reference/v1.0/resources/unifiedroleeligibilityscheduleinstance.md.
  select: ["principalId", "roleDefinitionId", "directoryScopeId", "appScopeId", "startDateTime", "endDateTime", "memberType", "roleEligibilityScheduleId"],
  permission: "RoleEligibilitySchedule.Read.Directory",
  grantedBy: ["RoleEligibilitySchedule.Read.Directory", "RoleManagement.Read.Directory", "RoleManagement.Read.All", "RoleEligibilitySchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"],
  name: (o) => textOf(o.principalId),
};
