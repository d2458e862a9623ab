import type { ResourceModuleOf } from "../resource.js";
import { textOf } from "../../domain/text.js";

/**
 * Memberships and owners ride on groups delta as members@delta and
 * owners@delta: never one request per group. "You can use $select=members
 * to get membership changes ... track other changes like ownership ... by
 * selecting any group relationship of type directoryObject collection. Only
 * the id property of the related resource is returned"
 * (api-reference/v1.0/api/group-delta.md). `Prefer: return=minimal` only
 * trims unchanged properties, not the relationship changes (same page).
 */
export const groups: ResourceModuleOf<"groups"> = {
  type: "groups",
  path: "/groups",
  mode: "delta",
  // Every name is a property of the v1.0 resource (api-reference/v1.0/resources/group.md in microsoft-graph-docs-contrib);
  // Graph refuses an unknown one with 400.
  select: [
    "displayName", "description", "mail", "mailNickname", "mailEnabled", "securityEnabled", "groupTypes",
    "membershipRule", "membershipRuleProcessingState", "onPremisesSyncEnabled", "isAssignableToRole",
    "createdDateTime", "visibility", "members", "owners",
  ],
  queryable: { displayName: "string", mail: "string", mailEnabled: "boolean", securityEnabled: "boolean", groupTypes: "strings" },
  permission: "GroupMember.Read.All",
  grantedBy: ["GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  minimal: true,
  name: (o) => textOf(o.displayName),
};
