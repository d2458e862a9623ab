import type { ResourceModule } from "../resource.js";

/** Memberships ride on groups delta as members@delta: never one request per group. */
export const groups: ResourceModule = {
  type: "groups",
  path: "/groups",
  mode: "delta",
  select: [
    "displayName", "description", "mail", "mailNickname", "mailEnabled", "securityEnabled", "groupTypes",
    "membershipRule", "membershipRuleProcessingState", "onPremisesSyncEnabled", "isAssignableToRole",
    "createdDateTime", "visibility", "members",
  ],
  permission: "GroupMember.Read.All",
  grantedBy: ["GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  members: { container: "groups" },
  name: (o) => String(o.displayName ?? ""),
};
