import type { Services } from "../../../src/services.js";
import { createTenant } from "../../../src/tenants/create-tenant.js";
import type { SimContract } from "../../azure-sim/src/contract.js";

const YEAR_MS = 365 * 86_400_000;

/**
 * First start of the embedded default: registers the demo tenant through the
 * same path as POST /tenants (its secret goes to the simulated Key Vault).
 * Returns its ID, or undefined when it was registered already.
 */
export async function registerDemoTenant(services: Services, sim: SimContract): Promise<string | undefined> {
  const demo = sim.tenants[0];
  if (!demo) throw new Error("the simulated Azure has no demo tenant");
  const r = await createTenant(services, {
    tenant: demo.domain,
    cloud: "global",
    displayName: demo.displayName,
    credential: { clientId: demo.clientId, clientSecret: demo.clientSecret, secretExpiresOn: new Date(Date.now() + YEAR_MS).toISOString() },
    schedule: { kind: "interval", minutes: 60, timeZone: "UTC" },
  });
  if (r.kind === "created") return r.tenant.id;
  if (r.kind === "exists") return undefined;
  throw new Error(`could not register the demo tenant: ${JSON.stringify(r)}`);
}
