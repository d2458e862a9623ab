import type { GraphObject, MemberRef } from "../types.js";
import type { IdCodec } from "./idCodec.js";
import { rngFor } from "./idCodec.js";

/** Built-in roles with their real template IDs. */
export const ROLE_TEMPLATES: ReadonlyArray<readonly [string, string]> = [
  ["Global Administrator", "62e90394-69f5-4237-9190-012177145e10"],
  ["User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1"],
  ["Groups Administrator", "fdd7a751-b60b-444a-984c-02652fe8fa1c"],
  ["Helpdesk Administrator", "729827e3-9c14-49f7-bb1b-9608f156bbb8"],
  ["Security Reader", "5d6b6bb7-de71-4623-b4af-96380a352509"],
  ["Application Administrator", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"],
  ["Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451"],
];

export function buildRole(r: number, id: string): GraphObject {
  const [displayName, roleTemplateId] = ROLE_TEMPLATES[r]!;
  return { id, displayName, description: `Built-in role: ${displayName}.`, roleTemplateId };
}

/**
 * Base members of each activated role: a few users, and the role-assignable
 * group (if the tenant has one) in User Administrator.
 */
export function planRoleMembers(
  roleCodec: IdCodec,
  userCodec: IdCodec,
  users: number,
  roleAssignableGroupId: string | undefined,
): MemberRef[][] {
  return ROLE_TEMPLATES.map((_, r) => {
    const rand = rngFor(roleCodec.id(r), 1);
    const members: MemberRef[] = [];
    const seen = new Set<number>();
    const want = Math.min(users, 1 + Math.floor(rand() * 4));
    while (seen.size < want) {
      const u = Math.floor(rand() * users);
      if (seen.has(u)) continue;
      seen.add(u);
      members.push({ id: userCodec.id(u), kind: "user" });
    }
    if (r === 1 && roleAssignableGroupId) members.push({ id: roleAssignableGroupId, kind: "group" });
    return members;
  });
}
