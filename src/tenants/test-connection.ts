import type { TokenCredential } from "@azure/core-auth";
import { decodeJwt } from "jose";
import { graphScope, type CloudEndpoints } from "../config/clouds.js";
import { createGraphClient } from "../graph/client.js";
import { RESOURCES } from "../graph/resources/index.js";
import type { SyncedType } from "../domain/synced.js";
import { aadstsOf } from "./aadsts.js";
import { probeLicences, type LicenceReport } from "./licence-probe.js";
import { allowedActions, type ProvisioningAction } from "../provisioning/permissions.js";

/** Permissions that let the service write group memberships (membership write-back). */
export const MEMBERSHIP_WRITE = ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"] as const;

export interface ConnectionReport {
  readonly ok: boolean;
  readonly tenantId: string;
  readonly tenantName: string | null;
  readonly verifiedDomains: readonly string[];
  readonly grantedPermissions: readonly string[];
  readonly missingPermissions: ReadonlyArray<{ readonly permission: string; readonly blocks: readonly SyncedType[] }>;
  readonly canWriteMemberships: boolean;
  /** Which provisioning actions the granted permissions allow (src/provisioning/permissions.ts). */
  readonly provisioning: Readonly<Record<ProvisioningAction, boolean>>;
  /** Whether the licence allows sign-in activity and PIM; absent when sign-in failed. */
  readonly licence?: LicenceReport;
  readonly error?: { readonly code: string; readonly message: string; readonly fix: string };
}

/**
 * Signs in as the customer's app and reads the tenant: which application
 * permissions the token carries (its roles claim), which types they leave
 * out, and the organization's name and domains.
 */
export async function testConnection(credential: TokenCredential, endpoints: CloudEndpoints, tenantId: string): Promise<ConnectionReport> {
  const empty = { tenantId, tenantName: null, verifiedDomains: [], grantedPermissions: [], missingPermissions: [], canWriteMemberships: false, provisioning: allowedActions(new Set()) };
  let token: string;
  try {
    const t = await credential.getToken(graphScope(endpoints));
    if (!t) throw new Error("no token");
    token = t.token;
  } catch (err) {
    const aad = aadstsOf(err);
    return { ...empty, ok: false, error: aad ?? { code: "SignInFailed", message: err instanceof Error ? err.message : String(err), fix: "Check the tenant, client ID and secret." } };
  }
  const roles = new Set((decodeJwt(token).roles as string[] | undefined) ?? []);
  const missing = new Map<string, SyncedType[]>();
  for (const r of RESOURCES) {
    if (r.grantedBy.some((p) => roles.has(p))) continue;
    missing.set(r.permission, [...(missing.get(r.permission) ?? []), r.type]);
  }
  const missingPermissions = [...missing.entries()].map(([permission, blocks]) => ({ permission, blocks }));
  const granted = [...roles].sort();
  const canWriteMemberships = MEMBERSHIP_WRITE.some((p) => roles.has(p));
  const provisioning = allowedActions(roles);
  try {
    const client = createGraphClient(credential, endpoints, { retry: { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 1000 } });
    const org = (await client.api("/organization").select(["id", "displayName", "verifiedDomains"]).get()) as {
      value: Array<{ id: string; displayName: string; verifiedDomains: Array<{ name: string }> }>;
    };
    const o = org.value[0];
    const licence = await probeLicences(client);
    return {
      ok: true,
      tenantId: o?.id ?? tenantId,
      tenantName: o?.displayName ?? null,
      verifiedDomains: o?.verifiedDomains.map((d) => d.name) ?? [],
      grantedPermissions: granted,
      missingPermissions,
      canWriteMemberships,
      provisioning,
      licence,
    };
  } catch (err) {
    // Signed in, but the organization is unreadable (no Organization.Read.All): still a working connection.
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 403) return { ...empty, ok: true, grantedPermissions: granted, missingPermissions, canWriteMemberships, provisioning };
    throw err;
  }
}
