import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PortalConfig } from "../src/config.js";

/**
 * azd's prepackage hook of the portal service: writes dist/config.json from
 * the azd environment (SERVICE_API_URI from provisioning; PORTAL_CLIENT_ID and
 * PORTAL_API_SCOPE set with `azd env set`; the authority from API_TENANT_ID or
 * AZURE_TENANT_ID).
 */
const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (azd env set ${name} …)`);
  return v;
};
const tenant = process.env.API_TENANT_ID || need("AZURE_TENANT_ID");
const config: PortalConfig = {
  apiBaseUrl: `${need("SERVICE_API_URI").replace(/\/$/, "")}/api`,
  authority: `https://login.microsoftonline.com/${tenant}`,
  clientId: need("PORTAL_CLIENT_ID"),
  scopes: [need("PORTAL_API_SCOPE")],
  knownAuthorities: [],
};
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
mkdirSync(dist, { recursive: true });
writeFileSync(`${dist}config.json`, JSON.stringify(config, null, 2) + "\n");
console.log(`wrote ${dist}config.json`);
