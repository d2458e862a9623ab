import { readJson } from "../http.js";
import type { ApiCall } from "./call.js";
import { INSUFFICIENT_PRIVILEGES, notFoundMessage } from "./errors.js";
import { MEMBER_WRITE_ERRORS, memberWriteBlock } from "./groupRules.js";
import type { GraphObject } from "./types.js";

const DUPLICATE = "One or more added object references already exist for the following modified properties: 'members'.";

/** The member ID at the end of an `@odata.id` such as https://…/v1.0/directoryObjects/{id}. */
function referencedId(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const ref = (body as Record<string, unknown>)["@odata.id"];
  if (typeof ref !== "string") return undefined;
  const m = /\/(?:directoryObjects|users|groups|devices|servicePrincipals|contacts)(?:\/|\(')([0-9a-fA-F-]{36})(?:'\))?\/?$/.exec(ref);
  return m?.[1]?.toLowerCase();
}

/** Shared checks of both writes; returns the group, or undefined after answering. */
function writableGroup(call: ApiCall, groupId: string): GraphObject | undefined {
  const group = call.directory.get("groups", groupId);
  if (!group) {
    call.fail(404, "Request_ResourceNotFound", notFoundMessage(groupId));
    return undefined;
  }
  const block = memberWriteBlock(group);
  if (block) {
    const e = MEMBER_WRITE_ERRORS[block];
    call.fail(e.status, e.code, e.message);
    return undefined;
  }
  // Role-assignable groups also need RoleManagement.ReadWrite.Directory.
  if (group.isAssignableToRole === true && !call.claims.roles.includes("RoleManagement.ReadWrite.Directory")) {
    call.fail(403, "Authorization_RequestDenied", INSUFFICIENT_PRIVILEGES);
    return undefined;
  }
  return group;
}

/** POST /v1.0/groups/{id}/members/$ref */
export async function handleAddMember(call: ApiCall, groupId: string): Promise<void> {
  let body: unknown;
  try {
    body = await readJson(call.req);
  } catch {
    return call.fail(400, "Request_BadRequest", "Invalid request body: the JSON could not be read.");
  }
  const memberId = referencedId(body);
  if (!memberId) return call.fail(400, "Request_BadRequest", "Invalid object identifier in '@odata.id'.");
  if (!writableGroup(call, groupId)) return;
  if (!call.directory.resolve(memberId)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(memberId));
  if (!call.directory.addMember(groupId, memberId)) return call.fail(400, "Request_BadRequest", DUPLICATE);
  call.ok(undefined, 204);
}

/** DELETE /v1.0/groups/{id}/members/{memberId}/$ref */
export function handleRemoveMember(call: ApiCall, groupId: string, memberId: string): void {
  if (!writableGroup(call, groupId)) return;
  if (!call.directory.removeMember(groupId, memberId)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(memberId));
  call.ok(undefined, 204);
}
