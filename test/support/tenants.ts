import { inject } from "vitest";
import type { Services } from "../../src/services.js";
import type { TenantRecord } from "../../src/store/tenant-store.js";
import { createTenant } from "../../src/tenants/create-tenant.js";
import type { NewTenant } from "../../src/tenants/schema.js";
import { createSimTenant, type CreatedTenant } from "./sim.js";

/** A fresh simulated tenant, registered through the real add-tenant path. */
export async function registeredTenant(
  services: Services,
  opts: { spec?: Record<string, number>; settings?: Partial<NewTenant>; grantedPermissions?: readonly string[] } = {},
): Promise<{ sim: CreatedTenant; tenant: TenantRecord }> {
  const sim = await createSimTenant({ spec: opts.spec ?? { users: 150, groups: 8 }, ...(opts.grantedPermissions ? { grantedPermissions: opts.grantedPermissions } : {}) });
  const app = sim.apps[0]!;
  const r = await createTenant(services, {
    tenant: sim.tenantId,
    cloud: "global",
    credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0]!, secretExpiresOn: new Date(Date.now() + 90 * 86_400_000).toISOString() },
    ...opts.settings,
  });
  if (r.kind !== "created") throw new Error(`tenant not created: ${JSON.stringify(r)}`);
  return { sim, tenant: r.tenant };
}

export const simContract = () => inject("sim");
