import type { GraphObject } from "./types.js";

/** Why Graph refuses member writes on a group, if it does. */
export type MemberWriteBlock = "dynamic" | "onPremises" | "mailEnabled";

export function memberWriteBlock(group: GraphObject): MemberWriteBlock | null {
  const types = Array.isArray(group.groupTypes) ? group.groupTypes : [];
  if (types.includes("DynamicMembership")) return "dynamic";
  if (group.onPremisesSyncEnabled === true) return "onPremises";
  // Distribution lists and mail-enabled security groups are mastered in Exchange.
  if (group.mailEnabled === true && !types.includes("Unified")) return "mailEnabled";
  return null;
}

export interface MemberWriteError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** What Graph answers a member write with, per block. */
export const MEMBER_WRITE_ERRORS: Record<MemberWriteBlock, MemberWriteError> = {
  // Graph refuses dynamic groups as a permission problem (Microsoft's AAD developer
  // support blog, "Authorization_RequestDenied error when ... add users to a group", 2024).
  dynamic: { status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." },
  onPremises: {
    status: 400,
    code: "Request_BadRequest",
    message:
      "Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.",
  },
  mailEnabled: { status: 400, code: "Request_BadRequest", message: "Cannot Update a mail-enabled security groups and or distribution list." },
};
