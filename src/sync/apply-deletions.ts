import { BatchWriter } from "../store/batch-writer.js";
import { ReverseLinks } from "../store/reverse-links.js";
import type { HeldDeletion } from "../store/held.js";
import { LINK_SPECS, linksHeldBy, linksOf, SYNCED_TYPES, type Container } from "../domain/synced.js";
import { linkTotal, setLinkTotal } from "./link-counts.js";
import type { SyncStores } from "./stores.js";
import { FeedWriter } from "../feed/feed-writer.js";

/**
 * Takes the given held objects out of the live set and off the stream
 * totals. A hard delete (`@removed` reason `deleted`, or unseen by a full
 * scan) erases the row and the links of a deleted group or role. A soft
 * delete (reason `changed`: deleted and restorable, `deleted`: gone for
 * good; concepts/delta-query-overview.md) hides the row and parks the ID, so
 * the links it has, as a member or as a container, stay stored but hidden
 * until a restore brings them back.
 */
export async function applyDeletions(stores: SyncStores, tenantId: string, held: readonly HeldDeletion[], now: () => number = Date.now, lane: "~fanin" | "~approvals" = "~fanin"): Promise<Map<string, number>> {
  // The feed lists a deletion only once applied: a held one when approved, a rejected one never.
  const feed = stores.feed ? new FeedWriter(stores.feed, lane) : undefined;
  const objects = new BatchWriter(stores.objects.table);
  const links = new BatchWriter(stores.members.table);
  const staged = stores.held.writer();
  const perType = new Map<string, number>();
  const linksRemoved = new Map<Container, number>();
  const at = new Date(now()).toISOString();
  let parkedChanged = false;
  for (const d of held) {
    perType.set(d.type, (perType.get(d.type) ?? 0) + 1);
    await feed?.object(d.type, d.id, "deleted", d.runId);
    if (d.soft) {
      await objects.upsert(stores.objects.hideEntity(d.type, d.id, at), "Merge");
      await links.upsert(stores.members.parkEntity(d.id, d.type, at));
      parkedChanged = true;
    } else {
      await objects.delete(stores.objects.partitionOf(d.type, d.id), stores.objects.rowKeyOf(d.id));
      // A parked ID that is now gone for good: its remaining links show again until Graph's removals reach them.
      await links.delete(stores.members.parkedPartition(), stores.objects.rowKeyOf(d.id));
      // The links it holds as a parent (members, owners, manager) go with it.
      for (const l of linksHeldBy(d.type)) {
        for await (const row of stores.members.members(l.store, d.id, { includeHidden: true })) {
          await links.delete(row.partitionKey, row.rowKey);
          await new ReverseLinks(stores.members).drop(links, l.store, d.id, row.memberId);
          await feed?.link(l, d.id, row.memberId, undefined, "deleted", d.runId);
          linksRemoved.set(l.store, (linksRemoved.get(l.store) ?? 0) + 1);
        }
      }
    }
    await staged.delete(tenantId, `${d.type}|${d.id}`);
  }
  // The feed first: a crash after it lists a deletion that a retry applies (at least once), never the reverse.
  await feed?.writer.flush();
  await objects.flush();
  await links.flush();
  // The held rows go last: a crash before here leaves them to be applied again, harmlessly.
  await staged.flush();
  for (const [type, n] of perType) {
    const s = await stores.state.get(tenantId, type);
    if (!s) continue;
    s.total = Math.max(0, s.total - n);
    for (const l of linksOf(type)) setLinkTotal(s, l, Math.max(0, linkTotal(s, l) - (linksRemoved.get(l.store) ?? 0)));
    await stores.state.put(tenantId, type, s);
  }
  // Links another kind's stream counts (owners of a deleted application) come off that stream's total.
  for (const l of LINK_SPECS) {
    const n = linksRemoved.get(l.store) ?? 0;
    const s = l.stream !== l.parent && n > 0 ? await stores.state.get(tenantId, l.stream) : undefined;
    if (!s) continue;
    setLinkTotal(s, l, Math.max(0, linkTotal(s, l) - n));
    await stores.state.put(tenantId, l.stream, s);
  }
  if (parkedChanged) await recountLinks(stores, tenantId);
  return perType;
}

/**
 * Hiding an object hides links of any parent that points at it, which only
 * a count of the stored links can tell (links are keyed by parent). Soft
 * deletes are rare, so the recount runs only in a run that parks an object.
 */
export async function recountLinks(stores: SyncStores, tenantId: string): Promise<void> {
  for (const type of SYNCED_TYPES) {
    const specs = linksOf(type);
    if (specs.length === 0) continue;
    const s = await stores.state.get(tenantId, type);
    if (!s) continue;
    for (const l of specs) setLinkTotal(s, l, await stores.members.count(l.store));
    await stores.state.put(tenantId, type, s);
  }
}
