import type { ApiCall } from "../call.js";
import { INSUFFICIENT_PRIVILEGES, notFoundMessage } from "../errors.js";
import { V1_PROPERTIES } from "../properties.js";
import type { JsonObject } from "../types.js";
import { invalidValue, objectBody, unknownProperty } from "./body.js";
import { callerMayTouchPrivileged, privilegedRolesOf } from "./privileged.js";

// Graph's own messages (user-post-users.md lists the required properties; the texts are Graph's answers).
const DUPLICATE_UPN = "Another object with the same value for property userPrincipalName already exists.";
const BAD_DOMAIN = "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.";
const WEAK_PASSWORD = "The specified password does not comply with password complexity requirements. Please provide a different password.";
export const ON_PREMISES = "Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.";

/** Properties the generator fills that a newly created user has empty. */
const GENERATED_EMPTY = ["givenName", "surname", "mail", "department", "jobTitle", "companyName", "country", "city", "usageLocation", "onPremisesSyncEnabled", "onPremisesImmutableId", "employeeId"];

/** Azure AD's default password policy: 8–256 characters, three of the four character classes (concepts: password policies). */
function strongPassword(p: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(p)).length;
  return p.length >= 8 && p.length <= 256 && classes >= 3;
}

/** The user's response form: Graph never returns the password (passwordProfile reads as null). */
const visible = (u: JsonObject): JsonObject => ({ "@odata.type": "#microsoft.graph.user", ...u, passwordProfile: null });

/** POST /v1.0/users (user-post-users.md): 201 with the user; its creation shows in the next users delta. */
export async function handleCreateUser(call: ApiCall): Promise<void> {
  const body = await objectBody(call);
  if (!body) return;
  for (const k of Object.keys(body)) if (!V1_PROPERTIES.users.has(k) || k === "id") return unknownProperty(call, k, "user");
  for (const k of ["displayName", "mailNickname", "userPrincipalName"]) {
    if (typeof body[k] !== "string" || body[k] === "") return invalidValue(call, k, "User");
  }
  if (typeof body.accountEnabled !== "boolean") return invalidValue(call, "accountEnabled", "User");
  const profile = body.passwordProfile;
  const password = typeof profile === "object" && profile !== null && !Array.isArray(profile) ? profile.password : undefined;
  if (typeof password !== "string") return invalidValue(call, "passwordProfile", "User");
  if (!strongPassword(password)) return call.fail(400, "Request_BadRequest", WEAK_PASSWORD);
  const upn = body.userPrincipalName as string;
  const domain = upn.slice(upn.lastIndexOf("@") + 1).toLowerCase();
  if (!upn.includes("@") || !call.tenant.verifiedDomains.some((d) => d.toLowerCase() === domain)) return call.fail(400, "Request_BadRequest", BAD_DOMAIN);
  for (const u of call.directory.truth("users")) {
    if (typeof u.userPrincipalName === "string" && u.userPrincipalName.toLowerCase() === upn.toLowerCase()) return call.fail(400, "Request_BadRequest", DUPLICATE_UPN);
  }
  const { passwordProfile: _secret, ...props } = body;
  const fresh = call.directory.newObject("users");
  const empty = Object.fromEntries(GENERATED_EMPTY.map((k) => [k, null]));
  const user: JsonObject = { ...empty, userType: "Member", assignedLicenses: [], createdDateTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"), ...props };
  call.directory.update("users", fresh.id, user);
  const created = call.directory.get("users", fresh.id)!;
  call.ok({ "@odata.context": `${call.context("users", null)}/$entity`, ...visible(created) }, 201);
}

/** 403 for a privileged target the caller may not touch; true after answering. */
function refusedPrivileged(call: ApiCall, userId: string): boolean {
  if (privilegedRolesOf(call, userId).length === 0 || callerMayTouchPrivileged(call)) return false;
  call.fail(403, "Authorization_RequestDenied", INSUFFICIENT_PRIVILEGES);
  return true;
}

/** PATCH /v1.0/users/{id} (user-update.md): 204. */
export async function handleUpdateUser(call: ApiCall, userId: string): Promise<void> {
  const body = await objectBody(call);
  if (!body) return;
  for (const k of Object.keys(body)) if (!V1_PROPERTIES.users.has(k) || k === "id") return unknownProperty(call, k, "user");
  // User.EnableDisableAccount.All covers accountEnabled alone; anything else needs User.ReadWrite.All (user-update.md).
  const others = Object.keys(body).some((k) => k !== "accountEnabled");
  if (others && !call.claims.roles.some((r) => r === "User.ReadWrite.All" || r === "Directory.ReadWrite.All")) return call.fail(403, "Authorization_RequestDenied", INSUFFICIENT_PRIVILEGES);
  if ("accountEnabled" in body && typeof body.accountEnabled !== "boolean") return invalidValue(call, "accountEnabled", "User");
  const user = call.directory.get("users", userId);
  if (!user) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(userId));
  if (user.onPremisesSyncEnabled === true) return call.fail(400, "Request_BadRequest", ON_PREMISES);
  if ("accountEnabled" in body && refusedPrivileged(call, userId)) return;
  call.directory.update("users", userId, body);
  call.ok(undefined, 204);
}

/** DELETE /v1.0/users/{id} (user-delete.md): 204; the user goes to deleted items for 30 days. */
export function handleDeleteUser(call: ApiCall, userId: string): void {
  const user = call.directory.get("users", userId);
  if (!user) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(userId));
  if (user.onPremisesSyncEnabled === true) return call.fail(400, "Request_BadRequest", ON_PREMISES);
  if (refusedPrivileged(call, userId)) return;
  call.directory.delete("users", userId, "softDelete");
  call.ok(undefined, 204);
}
