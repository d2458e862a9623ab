import type { Services } from "../../services.js";
import type { TenantRecord, Versioned } from "../../store/tenant-store.js";
import type { RunInput } from "../contract.js";

/** A run whose tenant is gone, being erased, or now runs another run: it must write nothing. */
export class RunOrphaned extends Error {
  override readonly name = "RunOrphaned";
}

/**
 * Checked at the start of every activity call: the tenant exists, is not
 * being erased, and this run is its current one (a tenant erased and added
 * again must not take writes, or a deltaLink, from the earlier tenant's run).
 */
export async function currentRunTenant(services: Services, input: RunInput): Promise<Versioned<TenantRecord>> {
  const t = await services.tenants.get(input.tenantId);
  if (!t) throw new RunOrphaned(`tenant ${input.tenantId} does not exist; run ${input.runId} writes nothing`);
  if (t.value.status === "deleting") throw new RunOrphaned(`tenant ${input.tenantId} is being deleted; run ${input.runId} writes nothing`);
  if (t.value.lastRunId !== input.runId) throw new RunOrphaned(`run ${input.runId} is not the current run of tenant ${input.tenantId}; it writes nothing`);
  return t;
}
