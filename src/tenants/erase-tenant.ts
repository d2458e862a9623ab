import { odata } from "@azure/data-tables";
import type { Services } from "../services.js";
import { BatchWriter } from "../store/batch-writer.js";
import { TABLE_NAMES } from "../store/tables.js";

/**
 * Erases every row of a tenant in every table. All partition keys of a
 * tenant start with its GUID (fixed length, so no other tenant shares the
 * prefix); '~' sorts after every key character used after it.
 */
export async function eraseTenantRows(services: Services, tenantId: string): Promise<number> {
  let removed = 0;
  // The tenant's own row and its credential go last, by the caller: a failure here can be retried.
  for (const name of TABLE_NAMES.filter((n) => n !== "Tenants" && n !== "Credentials")) {
    const table = services.tables.client(name);
    const writer = new BatchWriter(table);
    const filter = odata`PartitionKey ge ${tenantId} and PartitionKey lt ${`${tenantId}~`}`;
    for await (const e of table.listEntities({ queryOptions: { filter, select: ["PartitionKey", "RowKey"] } })) {
      await writer.delete(e.partitionKey ?? "", e.rowKey ?? "");
      removed++;
    }
    await writer.flush();
  }
  return removed;
}
