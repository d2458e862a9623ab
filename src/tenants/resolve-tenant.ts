import { aadstsOf, type AadstsError } from "./aadsts.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isGuid = (s: string): boolean => GUID.test(s);

/**
 * A tenant GUID from a GUID or a verified domain, through the authority's
 * OpenID discovery document (its issuer names the GUID).
 */
export async function resolveTenantId(authorityHost: string, tenant: string): Promise<{ tenantId: string } | { error: AadstsError }> {
  const res = await fetch(`${authorityHost}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`);
  const body = (await res.json().catch(() => ({}))) as { issuer?: string; error_description?: string };
  if (!res.ok) {
    const error = aadstsOf(body.error_description ?? `AADSTS90002: Tenant '${tenant}' not found.`);
    if (error) return { error };
    throw new Error(`tenant discovery failed with ${res.status}`);
  }
  const id = /\/([0-9a-f-]{36})\/v2\.0\/?$/i.exec(body.issuer ?? "")?.[1];
  if (!id || !isGuid(id)) throw new Error(`unexpected issuer in discovery document: ${body.issuer ?? "none"}`);
  return { tenantId: id.toLowerCase() };
}
