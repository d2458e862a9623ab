import type { ApiCall } from "../call.js";
import { notFoundMessage } from "../errors.js";
import type { GraphOperation } from "../permissions.js";
import { parseSelect, project } from "../select.js";
import { odataType, type GraphObject, type MemberRef } from "../types.js";
import { decodeToken, encodeToken } from "../tokens.js";
import { signInActivity } from "./build.js";
import { matches, parseFilter, type Clause } from "./filters.js";
import { DEFAULT_LICENCES, type OwnedType } from "./kinds.js";
import { sendArrayPage } from "./paging.js";
import { handleGrantDelta } from "./grantDelta.js";

export interface ExtraRoute {
  readonly op: GraphOperation;
  readonly cost: number;
  readonly run: (call: ApiCall) => void | Promise<void>;
}

const licences = (call: ApiCall) => call.directory.spec.licences ?? DEFAULT_LICENCES;
const page = (call: ApiCall) => ({ defaultTop: call.env.caps.listDefaultTop, maxTop: call.env.caps.listMaxTop });

/** `$filter` checked against what the resource supports; undefined after answering Graph's 400. */
function filterOf(call: ApiCall, allowed: Readonly<Record<string, readonly Clause["op"][]>>): { clauses: Clause[]; sealed: Record<string, string> } | undefined {
  const raw = call.query("filter");
  const clauses = parseFilter(raw, allowed);
  if (!clauses) {
    call.fail(400, "BadRequest", `Invalid filter clause: the filter '${raw ?? ""}' is not supported.`);
    return undefined;
  }
  return { clauses, sealed: raw ? { $filter: raw } : {} };
}

/** api-reference/v1.0/api/rbacapplication-list-roledefinitions.md */
function roleDefinitions(call: ApiCall): void {
  sendArrayPage(call, "/v1.0/roleManagement/directory/roleDefinitions", "roleManagement/directory/roleDefinitions", call.directory.extras.roleDefinitions(), page(call));
}

/** api-reference/v1.0/api/rbacapplication-list-roleassignments.md: $filter (eq) on principalId, roleDefinitionId, directoryScopeId. No delta in v1.0. */
function roleAssignments(call: ApiCall): void {
  const f = filterOf(call, { principalId: ["eq"], roleDefinitionId: ["eq"], directoryScopeId: ["eq"] });
  if (!f) return;
  const items = call.directory.extras.roleAssignments().filter((a) => matches(a, f.clauses));
  sendArrayPage(call, "/v1.0/roleManagement/directory/roleAssignments", "roleManagement/directory/roleAssignments", items, { ...page(call), sealed: f.sealed });
}

/**
 * api-reference/v1.0/api/rbacapplication-list-roleeligibilityscheduleinstances.md.
 * Without P2 Graph answers 400 AadPremiumLicenseRequired (as observed in
 * maester365/maester#1421; the doc page names no licence error).
 */
function roleEligibilities(call: ApiCall): void {
  if (!licences(call).p2) return call.fail(400, "AadPremiumLicenseRequired", "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.");
  const f = filterOf(call, { principalId: ["eq"], roleDefinitionId: ["eq"], directoryScopeId: ["eq"] });
  if (!f) return;
  const items = call.directory.extras.roleEligibilities().filter((a) => matches(a, f.clauses));
  sendArrayPage(call, "/v1.0/roleManagement/directory/roleEligibilityScheduleInstances", "roleManagement/directory/roleEligibilityScheduleInstances", items, { ...page(call), sealed: f.sealed });
}

/** api-reference/v1.0/api/serviceprincipal-list-approleassignedto.md */
function appRoleAssignedTo(call: ApiCall, spId: string): void {
  if (!call.directory.get("servicePrincipals", spId)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(spId));
  const items = call.directory.extras.appRoleAssignedTo(spId);
  sendArrayPage(call, `/v1.0/servicePrincipals/${spId}/appRoleAssignedTo`, `servicePrincipals('${spId}')/appRoleAssignedTo`, items, page(call));
}

/** api-reference/v1.0/api/oauth2permissiongrant-list.md */
function grants(call: ApiCall): void {
  const f = filterOf(call, { clientId: ["eq"], resourceId: ["eq"], principalId: ["eq"], consentType: ["eq"] });
  if (!f) return;
  const items = call.directory.extras.grants().filter((g) => matches(g, f.clauses));
  sendArrayPage(call, "/v1.0/oauth2PermissionGrants", "oauth2PermissionGrants", items, { ...page(call), sealed: f.sealed });
}

/** Directory objects as `@odata.type`-tagged objects; the missing ones (deleted) left out. */
function directoryObjects(call: ApiCall, refs: readonly MemberRef[]): GraphObject[] {
  const out: GraphObject[] = [];
  for (const m of refs) {
    const o = call.directory.get(m.kind === "user" ? "users" : m.kind === "group" ? "groups" : "devices", m.id);
    if (o) out.push({ "@odata.type": odataType(m.kind), ...o });
  }
  return out;
}

/** group-list-owners.md, application-list-owners.md, serviceprincipal-list-owners.md */
function owners(call: ApiCall, type: OwnedType, id: string): void {
  if (!call.directory.get(type, id)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(id));
  const refs = call.directory.extras.ownersOf(id).map((u): MemberRef => ({ id: u, kind: "user" }));
  sendArrayPage(call, `/v1.0/${type}/${id}/owners`, "directoryObjects", directoryObjects(call, refs), page(call));
}

/** user-list-manager.md: the manager, or 404 when none is set. */
function manager(call: ApiCall, userId: string): void {
  if (!call.directory.get("users", userId)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(userId));
  const m = call.directory.extras.managerOf(userId);
  const o = m === undefined ? undefined : call.directory.get("users", m);
  if (!o) return call.fail(404, "Request_ResourceNotFound", "Resource 'manager' does not exist or one of its queried reference-property objects are not present.");
  const select = parseSelect(call.query("select"));
  call.ok({ "@odata.context": `${call.context("directoryObjects", select)}/$entity`, "@odata.type": "#microsoft.graph.user", ...project(o, select) });
}

/** administrativeunit-list-members.md */
function auMembers(call: ApiCall, auId: string): void {
  if (!call.directory.get("administrativeUnits", auId)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(auId));
  const items = directoryObjects(call, call.directory.extras.auMembersOf(auId));
  sendArrayPage(call, `/v1.0/directory/administrativeUnits/${auId}/members`, "directoryObjects", items, page(call));
}

/** api-reference/v1.0/api/directoryaudit-list.md: newest first; $filter on activityDateTime, category, activityDisplayName. */
function directoryAudits(call: ApiCall): void {
  const f = filterOf(call, { activityDateTime: ["ge", "gt", "le", "lt"], category: ["eq"], activityDisplayName: ["eq"], loggedByService: ["eq"] });
  if (!f) return;
  const items = [...call.directory.extras.directoryAudits()].reverse().filter((a) => matches(a, f.clauses));
  sendArrayPage(call, "/v1.0/auditLogs/directoryAudits", "auditLogs/directoryAudits", items, { defaultTop: 100, maxTop: 999, sealed: f.sealed });
}

/** Largest page with signInActivity selected (user-list.md). */
export const SIGN_IN_MAX_TOP = 500;

/**
 * GET /users?$select=…signInActivity (user-list.md, resources/signinactivity.md):
 * needs AuditLog.Read.All and Entra ID P1 or P2; otherwise Graph's 403.
 */
function usersWithSignIn(call: ApiCall): void {
  if (!call.claims.roles.includes("AuditLog.Read.All")) return call.fail(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  const lic = licences(call);
  if (!lic.p1 && !lic.p2) return call.fail(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license");
  const rawSelect = call.query("select") ?? "";
  const key = `/v1.0/users#signIn#${rawSelect}`;
  const skip = call.query("skiptoken");
  let pos = 0;
  let top: number;
  if (skip) {
    const tok = decodeToken(skip);
    if (tok?.k !== "list" || tok.t !== call.tenant.tenantId || tok.path !== key) return call.fail(400, "Request_BadRequest", "Invalid $skiptoken.");
    ({ p: pos, top } = tok);
  } else {
    const rawTop = call.query("top");
    top = rawTop === null ? 100 : Number(rawTop);
    if (!Number.isInteger(top) || top < 1 || top > SIGN_IN_MAX_TOP) {
      return call.fail(400, "Request_BadRequest", `Invalid page size specified: '${rawTop ?? ""}'. Must be between 1 and ${SIGN_IN_MAX_TOP} inclusive.`);
    }
  }
  const select = parseSelect(rawSelect);
  const table = call.directory.table("users");
  const end = table.end;
  const value: GraphObject[] = [];
  while (value.length < top && pos < end) {
    const u = table.at(pos++);
    if (u) value.push(project({ ...u, signInActivity: signInActivity(call.directory.spec.seed, u.id) }, select));
  }
  const body: Record<string, unknown> = { "@odata.context": call.context("users", select), value };
  if (pos < end) {
    body["@odata.nextLink"] = call.link("/v1.0/users", { $select: encodeURIComponent(rawSelect), $skiptoken: encodeToken({ k: "list", t: call.tenant.tenantId, path: key, s: select, top, p: pos }) });
  }
  call.ok(body);
}

/** The route for the kinds beyond the delta collections, or undefined. */
export function extraRoute(method: string, seg: readonly string[], url: URL): ExtraRoute | undefined {
  if (method !== "GET") return undefined;
  const [a, b, c, d] = seg;
  const len = seg.length;
  if (a === "roleManagement" && b === "directory" && len === 3) {
    if (c === "roleDefinitions") return { op: "roleManagement", cost: 1, run: roleDefinitions };
    if (c === "roleAssignments") return { op: "roleManagement", cost: 1, run: roleAssignments };
    if (c === "roleEligibilityScheduleInstances") return { op: "roleEligibility", cost: 1, run: roleEligibilities };
  }
  if (a === "oauth2PermissionGrants" && len === 1) return { op: "oauth2PermissionGrants", cost: 1, run: grants };
  if (a === "oauth2PermissionGrants" && len === 2 && (b === "delta" || b === "delta()")) return { op: "oauth2PermissionGrants", cost: 1, run: handleGrantDelta };
  if (a === "auditLogs" && b === "directoryAudits" && len === 2) return { op: "auditLogs", cost: 1, run: directoryAudits };
  if (a === "users" && len === 1) {
    const raw = url.searchParams.get("$select") ?? url.searchParams.get("select") ?? "";
    if (raw.split(",").some((p) => p.trim() === "signInActivity")) return { op: "users", cost: 5, run: usersWithSignIn };
  }
  if (len === 3 && b) {
    const id = b.toLowerCase();
    if (c === "owners" && (a === "groups" || a === "applications" || a === "servicePrincipals")) {
      return { op: a === "groups" ? "groupMembers" : "applications", cost: 1, run: (x) => owners(x, a, id) };
    }
    if (a === "users" && c === "manager") return { op: "users", cost: 1, run: (x) => manager(x, id) };
    if (a === "servicePrincipals" && c === "appRoleAssignedTo") return { op: "servicePrincipals", cost: 1, run: (x) => appRoleAssignedTo(x, id) };
    if (a === "administrativeUnits" && c === "members") return { op: "administrativeUnits", cost: 1, run: (x) => auMembers(x, id) };
  }
  if (len === 4 && a === "directory" && b === "administrativeUnits" && d === "members" && c) {
    const id = c.toLowerCase();
    return { op: "administrativeUnits", cost: 1, run: (x) => auMembers(x, id) };
  }
  return undefined;
}
