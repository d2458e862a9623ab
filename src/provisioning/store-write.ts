import type { Json } from "../domain/graph-object.js";
import { RESOURCES } from "../graph/resources/index.js";
import type { Services } from "../services.js";
import { contentHash } from "../sync/content-hash.js";

const WRITE_BACK = "write-back";

/** The properties the sync keeps for a type (its resource's `$select`), so the next delta finds the same row. */
function kept(type: string, data: Record<string, Json>): Record<string, Json> {
  const m = RESOURCES.find((r) => r.type === type);
  if (!m) return data;
  const out: Record<string, Json> = {};
  for (const k of m.select) if (k in data && data[k] !== undefined) out[k] = data[k];
  return out;
}

/** Writes an object the service just changed in Graph into the tenant's store (merged over what is stored). */
export async function putObject(services: Services, tenantId: string, type: string, id: string, data: Record<string, Json>): Promise<void> {
  const objects = services.objects(tenantId);
  const m = RESOURCES.find((r) => r.type === type);
  const stored = await objects.get(type, id);
  const merged = { ...(stored?.data ?? {}), ...kept(type, data) };
  const name = m ? m.name(merged as never) : id;
  await objects.table.upsertEntity(objects.entity(type, id, { name, hash: contentHash(merged), run: WRITE_BACK, seq: 0, op: stored ? "u" : "a", call: WRITE_BACK, scan: WRITE_BACK, data: merged }), "Replace");
}

/** Takes an object out of the live set: hidden (soft-deleted, restorable) or erased. */
export async function removeObject(services: Services, tenantId: string, type: string, id: string, soft: boolean): Promise<void> {
  const objects = services.objects(tenantId);
  if (soft) {
    if (await objects.get(type, id)) await objects.table.upsertEntity(objects.hideEntity(type, id, new Date().toISOString()), "Merge");
    return;
  }
  try {
    await objects.table.deleteEntity(objects.partitionOf(type, id), objects.rowKeyOf(id));
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
}
