import type { ResourceModuleOf } from "../resource.js";

/**
 * Users' last sign-ins (api-reference/v1.0/resources/signinactivity.md): not
 * on delta, so a periodic list of `/users?$select=signInActivity`, at most
 * 500 a page with it selected (api-reference/v1.0/api/user-list.md). Needs
 * AuditLog.Read.All and Entra ID P1 or P2; without the licence Graph answers
 * 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant (as reported in
 * MicrosoftDocs/azure-docs#77948). Limited to 10 requests a minute per app
 * and tenant (includes/throttling-entra-logs-reports.md, in concepts/throttling-limits.md).
 */
export const signInActivity: ResourceModuleOf<"signInActivity"> = {
  type: "signInActivity",
  path: "/users",
  mode: "attribute",
  of: "users",
  // The user property; its fields are those of signinactivity.md.
  select: ["signInActivity"],
  pageSize: 500,
  rate: { requests: 10, perMs: 60_000 },
  permission: "AuditLog.Read.All",
  grantedBy: ["AuditLog.Read.All"],
  name: (o) => o.id,
};

/** The fields of a signInActivity (api-reference/v1.0/resources/signinactivity.md). */
export const SIGN_IN_FIELDS = [
  "lastSignInDateTime",
  "lastSignInRequestId",
  "lastNonInteractiveSignInDateTime",
  "lastNonInteractiveSignInRequestId",
  "lastSuccessfulSignInDateTime",
  "lastSuccessfulSignInRequestId",
] as const;
