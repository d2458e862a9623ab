import type { GraphObject } from "../types.js";
import type { GenContext } from "./context.js";
import { rngFor } from "./idCodec.js";
import { FIRST_PARTY_APPS } from "./names.js";
import { randomGuid } from "./random.js";
import { stableGuid } from "../../ids.js";

/** Microsoft's own tenant, owner of first-party apps and managed identities. */
const MICROSOFT_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
const FIRST_PARTY_APP_IDS = [
  "00000002-0000-0ff1-ce00-000000000000",
  "00000003-0000-0ff1-ce00-000000000000",
  "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe",
  "0000000a-0000-0000-c000-000000000000",
  "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
  "00000003-0000-0000-c000-000000000000",
  "00000009-0000-0000-c000-000000000000",
  "797f4846-ba00-4fd7-ba43-dac1f8f63013",
];

/** The service principal of one of the tenant's own applications. */
export function buildAppServicePrincipal(ctx: GenContext, id: string, appId: string, appName: string): GraphObject {
  return {
    id,
    appId,
    displayName: appName,
    appDisplayName: appName,
    servicePrincipalType: "Application",
    accountEnabled: true,
    appOwnerOrganizationId: ctx.tenant.tenantId,
    servicePrincipalNames: [appId],
    alternativeNames: [],
    appRoles: appRolesOf(appId),
  };
}

/** Two app roles users and groups can hold (api-reference/v1.0/resources/approle.md), IDs stable per app. */
export function appRolesOf(appId: string) {
  return (["Reader", "Approver"] as const).map((value) => ({
    id: stableGuid(appId, "appRole", value),
    allowedMemberTypes: ["User"],
    description: `${value}s of the app.`,
    displayName: value,
    isEnabled: true,
    origin: "Application",
    value,
  }));
}

/** Extra service principal k: managed identities first, then first-party apps. */
export function buildExtraServicePrincipal(ctx: GenContext, k: number, id: string): GraphObject {
  const rand = rngFor(id);
  const managedIdentities = Math.min(ctx.spec.managedIdentities, ctx.spec.extraServicePrincipals);
  if (k < managedIdentities) {
    const name = `func-sync-${k}`;
    const appId = randomGuid(rand);
    const sub = randomGuid(rand);
    return {
      id,
      appId,
      displayName: name,
      appDisplayName: null,
      servicePrincipalType: "ManagedIdentity",
      accountEnabled: true,
      appOwnerOrganizationId: MICROSOFT_TENANT,
      servicePrincipalNames: [appId, `https://identity.azure.net/${id}`],
      alternativeNames: ["isExplicit=False", `/subscriptions/${sub}/resourceGroups/rg-apps/providers/Microsoft.Web/sites/${name}`],
    };
  }
  const f = k - managedIdentities;
  const base = FIRST_PARTY_APPS[f % FIRST_PARTY_APPS.length]!;
  const name = f < FIRST_PARTY_APPS.length ? base : `${base} ${Math.floor(f / FIRST_PARTY_APPS.length)}`;
  const appId = f < FIRST_PARTY_APP_IDS.length ? FIRST_PARTY_APP_IDS[f]! : randomGuid(rand);
  return {
    id,
    appId,
    displayName: name,
    appDisplayName: name,
    servicePrincipalType: "Application",
    accountEnabled: true,
    appOwnerOrganizationId: MICROSOFT_TENANT,
    servicePrincipalNames: [appId],
    alternativeNames: [],
  };
}
