import type { ResourceModuleOf } from "../resource.js";
import { textOf } from "../../domain/text.js";

/** Memberships ride on groups delta as members@delta: never one request per group. */
export const groups: ResourceModuleOf<"groups"> = {
  type: "groups",
  path: "/groups",
  mode: "delta",
  // Every name is a property of the v1.0 resource (api-reference/v1.0/resources/group.md in microsoft-graph-docs-contrib);
  // Graph refuses an unknown one with 400.
  select: [
    "displayName", "description", "mail", "mailNickname", "mailEnabled", "securityEnabled", "groupTypes",
    "membershipRule", "membershipRuleProcessingState", "onPremisesSyncEnabled", "isAssignableToRole",
    "createdDateTime", "visibility", "members",
  ],
  permission: "GroupMember.Read.All",
  grantedBy: ["GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  members: { container: "groups", link: { type: "memberships", parentKey: "groupId" } },
  minimal: true,
  name: (o) => textOf(o.displayName),
};
