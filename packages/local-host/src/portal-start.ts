import type { EmbeddedAzure } from "./embedded.js";
import { PORTAL_CLIENT_ID } from "../../azure-sim/src/authorize.js";
import { ensurePortalBuilt, servePortal, type PortalConfig, type PortalServer } from "./portal.js";

export type PortalSettings = Omit<PortalConfig, "apiBaseUrl">;

/**
 * Where the portal signs in: the simulated Entra's service tenant in the
 * embedded default (and then API_AUTH_LEVEL defaults to anonymous, so the
 * browser needs no function key), or PORTAL_CLIENT_ID, PORTAL_AUTHORITY and
 * PORTAL_API_SCOPE against real Entra. Null: no portal.
 */
export function portalSettings(embedded: EmbeddedAzure | undefined, env: NodeJS.ProcessEnv = process.env): PortalSettings | null {
  if (embedded) {
    env.API_AUTH_LEVEL ??= "anonymous";
    const { contract } = embedded;
    return {
      authority: `${contract.authorityHost}/${contract.service.tenantId}`,
      clientId: PORTAL_CLIENT_ID,
      scopes: [`${contract.service.apiAudience}/access_as_user`],
      knownAuthorities: [new URL(contract.authorityHost).host],
    };
  }
  const { PORTAL_CLIENT_ID: clientId, PORTAL_AUTHORITY: authority, PORTAL_API_SCOPE: scope } = env;
  if (!clientId) return null;
  if (!authority || !scope) throw new Error("PORTAL_CLIENT_ID needs PORTAL_AUTHORITY and PORTAL_API_SCOPE");
  return { authority, clientId, scopes: [scope], knownAuthorities: [] };
}

/** Builds the portal if needed and serves it on LOCAL_PORTAL_PORT (default 7072). */
export async function startPortal(settings: PortalSettings, apiBaseUrl: () => string, env: NodeJS.ProcessEnv = process.env): Promise<PortalServer> {
  await ensurePortalBuilt((line) => console.log(line));
  return servePortal(Number(env.LOCAL_PORTAL_PORT ?? 7072), () => ({ ...settings, apiBaseUrl: apiBaseUrl() }));
}
