/**
 * When a profile's client secret really expires, read from Graph as the app
 * itself: it may read its own registration (Application.Read.All), so
 * `/applications(appId='{clientId}')?$select=passwordCredentials` gives the
 * endDateTime of the credential whose hint (the first three characters of
 * the secret, api-reference/v1.0/resources/passwordcredential.md) matches
 * the secret in Key Vault. Anything else (Graph 403 or 404, a refused sign-in such as an expired
 * secret's AADSTS7000222, no matching hint, a Graph failure) is a reason to
 * use the expiry the admin typed in. The hint is compared, never logged.
 */
import { z } from "zod";
import { createGraphClient } from "../graph/client.js";
import type { RetryPolicy } from "../graph/retry.js";
import { describeError } from "../monitoring/describe-error.js";
import type { Services } from "../services.js";
import type { CredentialProfile } from "../store/credential-store.js";
import { statusOf } from "../store/status-code.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { aadstsOf } from "../tenants/aadsts.js";
import { profileCredential } from "./customer.js";

/** A daily check can wait for Graph, but not for long. */
const GRAPH_RETRY: RetryPolicy = Object.freeze({ maxRetries: 3, baseDelayMs: 500, maxDelayMs: 10_000 });

export type RealExpiry = { readonly kind: "graph"; readonly at: number } | { readonly kind: "entered"; readonly reason: string };

const passwordCredentialsSchema = z.object({
  passwordCredentials: z
    .array(
      z.object({
        hint: z.string().nullish(),
        endDateTime: z.string().nullish(),
      }),
    )
    .nullish(),
});

/** The real expiry of the profile's secret, read from Graph as the app itself in `tenant`. */
export async function realExpiry(services: Pick<Services, "config" | "secrets">, p: CredentialProfile, tenant: TenantRecord): Promise<RealExpiry> {
  let hint: string;
  let raw: unknown;
  try {
    const secret = await services.secrets.get(p.secretName);
    if (!secret || secret.value === "") return { kind: "entered", reason: "the client secret is missing from Key Vault" };
    hint = secret.value.slice(0, 3);
    const { credential, endpoints } = profileCredential(services, tenant, p, secret.value);
    const client = createGraphClient(credential, endpoints, { retry: GRAPH_RETRY });
    raw = await client.api(`/applications(appId='${p.clientId.replace(/'/g, "''")}')`).select("passwordCredentials").get();
  } catch (err) {
    const status = statusOf(err);
    if (status === 403) return { kind: "entered", reason: `no Application.Read.All in tenant ${tenant.id} (Graph 403)` };
    if (status === 404) return { kind: "entered", reason: `the app registration is not in tenant ${tenant.id} (Graph 404)` };
    const aad = aadstsOf(err);
    if (aad) return { kind: "entered", reason: `sign-in to tenant ${tenant.id} refused (${aad.code})` };
    return { kind: "entered", reason: `Graph read failed in tenant ${tenant.id}: ${describeError(err)}` };
  }
  const parsed = passwordCredentialsSchema.safeParse(raw);
  if (!parsed.success) return { kind: "entered", reason: "Graph answered without passwordCredentials" };
  let at: number | undefined;
  for (const c of parsed.data.passwordCredentials ?? []) {
    if (c.hint !== hint || !c.endDateTime) continue;
    const end = Date.parse(c.endDateTime);
    // Two secrets with the same hint: the earlier expiry, so an alert comes early rather than late.
    if (!Number.isNaN(end) && (at === undefined || end < at)) at = end;
  }
  return at === undefined ? { kind: "entered", reason: "no client secret of the app registration matches the stored secret's hint" } : { kind: "graph", at };
}
