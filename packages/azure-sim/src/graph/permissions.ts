/** Graph operations the simulator serves, by the permission set that guards them. */
export type GraphOperation =
  | "users"
  | "groups"
  | "groupMembers"
  | "groupMembersWrite"
  | "devices"
  | "applications"
  | "servicePrincipals"
  | "directoryRoles"
  | "subscribedSkus"
  | "organization"
  | "administrativeUnits"
  | "deletedItemsWrite"
  | "roleManagement"
  | "roleEligibility"
  | "oauth2PermissionGrants"
  | "auditLogs"
  | "subscriptions"
  | ProvisioningOperation;

/** Provisioning writes (writes/routes.ts). */
export type ProvisioningOperation = "userCreate" | "userEnableDisable" | "userDelete" | "licenceAssign" | "appRoleAssignmentWrite" | "roleAssignmentWrite" | "roleEligibilityWrite";

/**
 * Application permissions (token `roles`) that allow each operation; any
 * one suffices. A ReadWrite permission implies its Read.
 */
export const GRAPH_PERMISSIONS: Readonly<Record<GraphOperation, readonly string[]>> = Object.freeze({
  users: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  groups: ["Group.Read.All", "GroupMember.Read.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  groupMembers: [
    "GroupMember.Read.All",
    "Group.Read.All",
    "GroupMember.ReadWrite.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
  groupMembersWrite: ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
  devices: ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  applications: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  servicePrincipals: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  directoryRoles: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Directory.Read.All", "Directory.ReadWrite.All"],
  subscribedSkus: ["Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  organization: ["Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  administrativeUnits: ["AdministrativeUnit.Read.All", "AdministrativeUnit.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  // api-reference/v1.0/api/directory-deleteditems-restore.md and -delete.md (users and applications).
  deletedItemsWrite: ["User.DeleteRestore.All", "User.ReadWrite.All", "Application.ReadWrite.All", "Directory.ReadWrite.All"],
  // rbacapplication-list-roledefinitions.md and rbacapplication-list-roleassignments.md.
  roleManagement: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Directory.Read.All", "Directory.ReadWrite.All"],
  // rbacapplication-list-roleeligibilityscheduleinstances.md.
  roleEligibility: ["RoleEligibilitySchedule.Read.Directory", "RoleManagement.Read.Directory", "RoleManagement.Read.All", "RoleEligibilitySchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"],
  // oauth2permissiongrant-list.md.
  oauth2PermissionGrants: ["DelegatedPermissionGrant.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  // directoryaudit-list.md.
  auditLogs: ["AuditLog.Read.All"],
  // user-post-users.md.
  userCreate: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
  // user-update.md: accountEnabled alone needs only User.EnableDisableAccount.All (other properties: User.ReadWrite.All, checked in writes/users.ts).
  userEnableDisable: ["User.EnableDisableAccount.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  // user-delete.md.
  userDelete: ["User.DeleteRestore.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  // user-assignlicense.md.
  licenceAssign: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  // serviceprincipal-post-approleassignedto.md, serviceprincipal-delete-approleassignedto.md.
  appRoleAssignmentWrite: ["AppRoleAssignment.ReadWrite.All", "Directory.ReadWrite.All"],
  // rbacapplication-post-roleassignments.md, unifiedroleassignment-delete.md.
  roleAssignmentWrite: ["RoleManagement.ReadWrite.Directory"],
  // rbacapplication-post-roleeligibilityschedulerequests.md.
  roleEligibilityWrite: ["RoleEligibilitySchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"],
  // subscription-post-subscriptions.md: the read permission of the subscribed resource; routes.ts checks which.
  subscriptions: ["User.Read.All", "User.ReadWrite.All", "Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
});

export function permitted(op: GraphOperation, roles: readonly string[]): boolean {
  return GRAPH_PERMISSIONS[op].some((p) => roles.includes(p));
}
