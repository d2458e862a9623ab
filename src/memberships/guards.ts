import type { Json } from "../domain/graph-object.js";

export interface Refusal {
  readonly code: string;
  readonly message: string;
}

/** Permission that role-assignable groups additionally need for membership changes. */
export const ROLE_ASSIGNABLE_PERMISSION = "RoleManagement.ReadWrite.Directory";

/**
 * Groups whose membership Graph cannot (or must not) change, and where an
 * admin manages them instead (seeds: Entitle, ConductorOne). Decided from
 * the synced group, before any call to Graph.
 */
export function refusalFor(group: Record<string, Json>, grantedRoles: ReadonlySet<string>): Refusal | undefined {
  const types = Array.isArray(group.groupTypes) ? group.groupTypes : [];
  if (group.onPremisesSyncEnabled === true) {
    return { code: "GroupSyncedFromOnPremises", message: "This group is synced from on-premises Active Directory: change its members in on-premises AD (Active Directory Users and Computers), and the next directory sync brings the change." };
  }
  if (types.includes("DynamicMembership") || (typeof group.membershipRule === "string" && group.membershipRule !== "")) {
    return { code: "DynamicMembershipGroup", message: "This group has dynamic membership: its members follow its membership rule. Change the rule, or the attributes it reads, in Entra ID." };
  }
  if (group.mailEnabled === true && !types.includes("Unified")) {
    const kind = group.securityEnabled === true ? "a mail-enabled security group" : "a distribution list";
    return { code: "ExchangeManagedGroup", message: `This group is ${kind}: manage its members in the Exchange admin center or the Microsoft 365 admin center.` };
  }
  if (group.isAssignableToRole === true && !grantedRoles.has(ROLE_ASSIGNABLE_PERMISSION) && !grantedRoles.has("Directory.ReadWrite.All")) {
    return { code: "RoleAssignableGroup", message: `This group can be assigned to directory roles: changing its members needs the ${ROLE_ASSIGNABLE_PERMISSION} permission, which the app lacks. Grant it, or manage the group in Entra ID.` };
  }
  return undefined;
}
