import { odata } from "@azure/data-tables";
import { purgeRun } from "../orchestration/children.js";
import { CLAIM_TTL_MS, isRunning, type OrchestrationClient } from "../orchestration/start-run.js";
import type { Services } from "../services.js";
import { BatchWriter } from "../store/batch-writer.js";
import { utcDay } from "../store/quota-store.js";
import type { TenantRecord, Versioned } from "../store/tenant-store.js";
import { deleteProfileIfUnused } from "../credentials/use.js";

/**
 * Erases every row of a tenant in every table. All partition keys of a
 * tenant start with its GUID (fixed length, so no other tenant shares the
 * prefix); '~' sorts after every key character used after it. The UTC
 * day's Sync Now quota stays: deleting and re-adding a tenant must not
 * reset it (earlier days go).
 */
export async function eraseTenantRows(services: Services, tenantId: string, now = Date.now()): Promise<number> {
  let removed = 0;
  const today = utcDay(now).day;
  // The tenant's own row and its credential go last, by the caller: a failure here can be retried.
  for (const { name, client: table } of services.everyTable().filter((t) => t.name !== "Tenants" && t.name !== "Credentials")) {
    const writer = new BatchWriter(table);
    const filter =
      name === "Quota"
        ? odata`PartitionKey eq ${tenantId} and RowKey lt ${today}`
        : odata`PartitionKey ge ${tenantId} and PartitionKey lt ${`${tenantId}~`}`;
    for await (const e of table.listEntities({ queryOptions: { filter, select: ["PartitionKey", "RowKey"] } })) {
      await writer.delete(e.partitionKey ?? "", e.rowKey ?? "");
      removed++;
    }
    await writer.flush();
  }
  return removed;
}

export type EraseOutcome = "erased" | "running" | "changed";

/**
 * DELETE /tenants/{id}: claims the row with its ETag (status `deleting`)
 * before erasing, so no run can start or write meanwhile (startRun, the
 * scheduler and every activity refuse a deleting tenant). A run already
 * going, or claimed by a starter, keeps the tenant (409).
 */
export async function eraseTenant(services: Services, orchestration: OrchestrationClient, cur: Versioned<TenantRecord>, now: () => number = Date.now): Promise<EraseOutcome> {
  const t = cur.value;
  if (t.status !== "deleting") {
    const claimedByStarter = t.status === "queued" && t.lastSyncStart !== null && now() - Date.parse(t.lastSyncStart) < CLAIM_TTL_MS;
    if (claimedByStarter || (await isRunning(orchestration, t.id))) return "running";
    if ((await services.tenants.replace({ ...t, status: "deleting", nextRunAt: null }, cur.etag)) === false) return "changed";
    // A start that won just before the claim: give the tenant back to it.
    if (await isRunning(orchestration, t.id)) {
      await services.tenants.update(t.id, (x) => (x.status === "deleting" ? { ...x, status: t.status, nextRunAt: t.nextRunAt } : undefined));
      return "running";
    }
  }
  await eraseTenantRows(services, t.id, now());
  // Its profile and secret go too, unless another tenant uses the profile or is being added with it.
  await deleteProfileIfUnused(services, t.credentialId, t.id, now());
  await purgeRun(orchestration, t.id);
  await services.tenants.delete(t.id);
  return "erased";
}
