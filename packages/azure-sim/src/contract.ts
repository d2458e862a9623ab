import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Counts } from "./model.js";
import type { SimulatedAzure } from "./server.js";
import { CONNECTOR_APP, SERVICE } from "./seed.js";
import type { SimTenant } from "./registry.js";

/** The `.local/sim.json` contract that later checks and outside clients rely on. */
export interface SimContract {
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  readonly keyVaultUrl: string;
  readonly caCertFile: string;
  readonly tenants: ReadonlyArray<{
    readonly tenantId: string;
    readonly domain: string;
    readonly displayName: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly grantedPermissions: readonly string[];
    readonly counts: Counts;
  }>;
  /** The service's own tenant: its identity for Key Vault, and the portal API's clients. */
  readonly service: {
    readonly tenantId: string;
    readonly apiAudience: string;
    readonly identity: { readonly clientId: string; readonly clientSecret: string };
    readonly admin: { readonly clientId: string; readonly clientSecret: string };
    readonly reader: { readonly clientId: string; readonly clientSecret: string };
  };
}

function appCredential(tenant: SimTenant, displayName: string): { clientId: string; clientSecret: string } {
  const app = [...tenant.apps.values()].find((a) => a.displayName === displayName);
  const secret = app?.secrets[0];
  if (!app || !secret) throw new Error(`seeded app ${displayName} missing in ${tenant.domain}`);
  return { clientId: app.clientId, clientSecret: secret.secretText };
}

export function simContract(sim: SimulatedAzure, caCertFile: string): SimContract {
  return {
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    keyVaultUrl: sim.keyVaultUrl,
    caCertFile,
    tenants: sim.customers.map((t) => {
      const cred = appCredential(t, CONNECTOR_APP);
      return {
        tenantId: t.tenantId,
        domain: t.domain,
        displayName: t.displayName,
        ...cred,
        grantedPermissions: [...(t.apps.get(cred.clientId)?.grantedPermissions ?? [])],
        counts: t.directory.counts(),
      };
    }),
    service: {
      tenantId: sim.service.tenantId,
      apiAudience: SERVICE.apiAudience,
      identity: appCredential(sim.service, SERVICE.identityApp),
      admin: appCredential(sim.service, SERVICE.adminApp),
      reader: appCredential(sim.service, SERVICE.readerApp),
    },
  };
}

export function writeSimContract(path: string, contract: SimContract): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(contract, null, 2) + "\n", { mode: 0o600 });
}
