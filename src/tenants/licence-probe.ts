import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import { errorCodes } from "../sync/graph-source.js";

/** Whether the tenant's licence allows a kind: true, false (with Graph's text), or null when the app may not ask. */
export interface LicenceCheck {
  readonly allowed: boolean | null;
  readonly reason?: string;
}

export interface LicenceReport {
  /** users' signInActivity: AuditLog.Read.All and Entra ID P1 or P2 (api-reference/v1.0/resources/signinactivity.md). */
  readonly signInActivity: LicenceCheck;
  /** PIM eligibilities (roleEligibilityScheduleInstances): Entra ID P2 or Governance. */
  readonly pim: LicenceCheck;
}

/**
 * Asks Graph itself, with one small read per kind: its answer is the
 * licence in force, which the SKU list only implies. Without P1/P2 the
 * sign-in read answers 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant;
 * without P2 the PIM read answers 400 AadPremiumLicenseRequired (as
 * reported in maester365/maester#1421). A missing permission leaves it unknown.
 */
export async function probeLicences(client: Client): Promise<LicenceReport> {
  const [signInActivity, pim] = await Promise.all([
    check(() => client.api("/users").select(["id", "signInActivity"]).top(1).get(), "Authentication_RequestFromNonPremiumTenantOrB2CTenant"),
    check(() => client.api("/roleManagement/directory/roleEligibilityScheduleInstances").select(["id"]).get(), "AadPremiumLicenseRequired"),
  ]);
  return { signInActivity, pim };
}

async function check(read: () => Promise<unknown>, licenceCode: string): Promise<LicenceCheck> {
  try {
    await read();
    return { allowed: true };
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    const codes = errorCodes(err);
    if (codes.includes(licenceCode)) return { allowed: false, reason: `${err.statusCode} ${licenceCode}: ${err.message}` };
    if (codes.includes("Authorization_RequestDenied")) return { allowed: null, reason: "the app lacks the permission to read it" };
    throw err;
  }
}
