import { resolveEndpoints, sameIdentityCloud, type Cloud, type CloudEndpoints } from "../config/clouds.js";
import type { Config } from "../config/config.js";
import { profileCloud, type CredentialProfile } from "../store/credential-store.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { endpointProblems } from "../tenants/endpoint-policy.js";

/** A tenant whose credential cannot be used: the admin's to fix, not a system failure. */
export class CredentialUnavailable extends Error {
  override readonly name = "CredentialUnavailable";
}

/** An app registration signs in only in its own cloud (concepts/deployments.md: apps are registered per national cloud). */
export const cloudMismatch = (profile: Cloud, tenant: Cloud): string =>
  `the credential profile belongs to cloud ${profile}; a tenant of cloud ${tenant} cannot use it (register the app in that cloud)`;

/**
 * The hosts a tenant's secret and tokens go to. Checked at every use, not
 * only when saved: a stored override the policy no longer allows (or a
 * profile of another cloud) sends nothing.
 */
export function endpointsOf(
  config: Pick<Config, "endpointAllowedHosts" | "cloudOverride">,
  t: Pick<TenantRecord, "cloud" | "endpoints">,
  profile?: Pick<CredentialProfile, "cloud">,
): CloudEndpoints {
  const problem = endpointProblems(t.cloud, t.endpoints, config.endpointAllowedHosts)[0];
  if (problem) throw new CredentialUnavailable(`endpoints.${problem.field} ${problem.message}`);
  if (profile && !sameIdentityCloud(profileCloud(profile), t.cloud)) throw new CredentialUnavailable(cloudMismatch(profileCloud(profile), t.cloud));
  return resolveEndpoints(t.cloud, t.endpoints ?? undefined, config.cloudOverride);
}
