import { startAzurite, type RunningAzurite } from "./azurite.js";
import { certificatesIn } from "../../azure-sim/src/certs.js";
import { simContract, writeSimContract, type SimContract } from "../../azure-sim/src/contract.js";
import { startSimulatedAzure, type SimulatedAzure } from "../../azure-sim/src/server.js";
import { SIM_JSON } from "./paths.js";

export interface EmbeddedAzure {
  readonly sim: SimulatedAzure;
  readonly azurite: RunningAzurite;
  readonly contract: SimContract;
  /** The environment the config module reads, pointed at the stand-ins. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** The embedded default: Azurite in memory and the simulated Azure, with every cloud pointed there. */
export async function startEmbeddedAzure(certDir: string): Promise<EmbeddedAzure> {
  const certs = certificatesIn(certDir);
  const [azurite, sim] = await Promise.all([startAzurite(), startSimulatedAzure({ certs })]);
  const contract = simContract(sim, certs.caCertFile);
  writeSimContract(SIM_JSON, contract);
  const env: Record<string, string> = {
    AzureWebJobsStorage: azurite.connectionString,
    KEY_VAULT_URL: sim.keyVaultUrl,
    AZURE_CLIENT_ID: contract.service.identity.clientId,
    SERVICE_TENANT_ID: contract.service.tenantId,
    SERVICE_CLIENT_SECRET: contract.service.identity.clientSecret,
    SERVICE_AUTHORITY_HOST: sim.authorityHost,
    API_AUDIENCE: contract.service.apiAudience,
    API_ISSUER: sim.entra.issuer(contract.service.tenantId),
    API_JWKS_URI: `${sim.authorityHost}/${contract.service.tenantId}/discovery/v2.0/keys`,
    CLOUD_AUTHORITY_HOST_OVERRIDE: sim.authorityHost,
    CLOUD_GRAPH_BASE_URL_OVERRIDE: sim.graphBaseUrl,
    // A tenant's endpoint override may name the simulator, and nothing else off its cloud.
    ENDPOINT_ALLOWED_HOSTS: [sim.authorityHost, sim.graphBaseUrl].map((u) => new URL(u).host).join(","),
  };
  return {
    sim,
    azurite,
    contract,
    env,
    async stop() {
      await Promise.all([sim.stop(), azurite.stop()]);
    },
  };
}
