import { BatchWriter } from "../store/batch-writer.js";
import type { HeldDeletion } from "../store/held.js";
import type { Container } from "../store/member-store.js";
import type { SyncStores } from "./stores.js";

const CONTAINERS: Readonly<Record<string, Container>> = { groups: "groups", directoryRoles: "directoryRoles" };

/**
 * Deletes the given held objects from the live set, with the links of any
 * deleted group or role, and takes them off the stream totals.
 */
export async function applyDeletions(stores: SyncStores, tenantId: string, held: readonly HeldDeletion[]): Promise<Map<string, number>> {
  const objects = new BatchWriter(stores.objects.table);
  const links = new BatchWriter(stores.members.table);
  const staged = stores.held.writer();
  const perType = new Map<string, number>();
  const linksRemoved = new Map<string, number>();
  for (const d of held) {
    await objects.delete(stores.objects.partitionOf(d.type, d.id), d.id);
    perType.set(d.type, (perType.get(d.type) ?? 0) + 1);
    const container = CONTAINERS[d.type];
    if (container) {
      for await (const row of stores.members.members(container, d.id)) {
        await links.delete(row.partitionKey, row.rowKey);
        linksRemoved.set(d.type, (linksRemoved.get(d.type) ?? 0) + 1);
      }
    }
    await staged.delete(tenantId, `${d.type}|${d.id}`);
  }
  await objects.flush();
  await links.flush();
  // The held rows go last: a crash before here leaves them to be applied again, harmlessly.
  await staged.flush();
  for (const [type, n] of perType) {
    const s = await stores.state.get(tenantId, type);
    if (!s) continue;
    s.total = Math.max(0, s.total - n);
    s.memberTotal = Math.max(0, s.memberTotal - (linksRemoved.get(type) ?? 0));
    await stores.state.put(tenantId, type, s);
  }
  return perType;
}
