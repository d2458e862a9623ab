/**
 * The Graph application permissions each provisioning action needs, least
 * privileged first (each action's "Permissions" table in
 * microsoft-graph-docs-contrib api-reference/v1.0/api). Any one suffices.
 */
export const PROVISIONING_PERMISSIONS = {
  // user-post-users.md
  createUser: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
  // user-update.md: accountEnabled alone needs User.EnableDisableAccount.All.
  setAccountEnabled: ["User.EnableDisableAccount.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  // user-delete.md
  deleteUser: ["User.DeleteRestore.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  // serviceprincipal-post-approleassignedto.md, serviceprincipal-delete-approleassignedto.md
  grantAppRole: ["AppRoleAssignment.ReadWrite.All", "Directory.ReadWrite.All"],
  revokeAppRole: ["AppRoleAssignment.ReadWrite.All", "Directory.ReadWrite.All"],
  // rbacapplication-post-roleassignments.md, unifiedroleassignment-delete.md
  addRoleAssignment: ["RoleManagement.ReadWrite.Directory"],
  removeRoleAssignment: ["RoleManagement.ReadWrite.Directory"],
  // rbacapplication-post-roleeligibilityschedulerequests.md
  addRoleEligibility: ["RoleEligibilitySchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"],
  // user-assignlicense.md
  assignLicences: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
} as const satisfies Record<string, readonly [string, ...string[]]>;

export type ProvisioningAction = keyof typeof PROVISIONING_PERMISSIONS;

/** The least permission the action needs when none of its permissions is granted, else undefined. */
export function missingPermission(action: ProvisioningAction, roles: ReadonlySet<string>): string | undefined {
  const accepted: readonly string[] = PROVISIONING_PERMISSIONS[action];
  return accepted.some((p) => roles.has(p)) ? undefined : accepted[0];
}

/** Which provisioning actions the granted permissions allow (test connection). */
export function allowedActions(roles: ReadonlySet<string>): Record<ProvisioningAction, boolean> {
  const out = {} as Record<ProvisioningAction, boolean>;
  for (const a of Object.keys(PROVISIONING_PERMISSIONS) as ProvisioningAction[]) out[a] = missingPermission(a, roles) === undefined;
  return out;
}
