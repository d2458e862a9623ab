import { inject } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { Services } from "../../src/services.js";
import { uniqueTableName } from "./tables.js";

/** The service's settings over the test Azurite and simulated Azure, with tables of its own (prefix `tablePrefix`). */
export function serviceEnv(tablePrefix: string): Record<string, string> {
  const sim = inject("sim");
  return {
    AzureWebJobsStorage: inject("tableConnectionString"),
    KEY_VAULT_URL: sim.keyVaultUrl,
    AZURE_CLIENT_ID: sim.service.identity.clientId,
    SERVICE_TENANT_ID: sim.service.tenantId,
    SERVICE_CLIENT_SECRET: sim.service.identity.clientSecret,
    SERVICE_AUTHORITY_HOST: sim.authorityHost,
    API_AUDIENCE: sim.service.apiAudience,
    API_ISSUER: `${sim.authorityHost}/${sim.service.tenantId}/v2.0`,
    API_JWKS_URI: `${sim.authorityHost}/${sim.service.tenantId}/discovery/v2.0/keys`,
    CLOUD_AUTHORITY_HOST_OVERRIDE: sim.authorityHost,
    CLOUD_GRAPH_BASE_URL_OVERRIDE: sim.graphBaseUrl,
    TABLE_PREFIX: uniqueTableName(tablePrefix),
  };
}

/** The service's real composition root over the test Azurite and simulated Azure, with tables of its own. */
export async function testServices(overrides: Record<string, string> = {}): Promise<Services> {
  const config = parseConfig({ ...serviceEnv("svc"), ...overrides });
  const services = new Services(config);
  await services.ready();
  return services;
}
