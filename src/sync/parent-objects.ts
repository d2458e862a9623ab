import type { GraphObject, Json } from "../domain/graph-object.js";
import { textOf } from "../domain/text.js";
import { project } from "../graph/resource.js";
import { BatchWriter } from "../store/batch-writer.js";
import { OBJECT_BUCKETS, objectPartition } from "../store/keys.js";
import { contentHash } from "./content-hash.js";
import { keepId, type ParentAnswers, type ParentSink, type SinkContext } from "./parent-sink.js";
import { columnFilters } from "./parent-plan.js";

type Raw = Record<string, unknown>;

/** Soft-deleted objects stay restorable for 30 days (api-reference/v1.0/resources/directory.md, deleted items). */
const RESTORABLE_MS = 30 * 86_400_000;
interface StoredRow {
  readonly hidden: boolean;
  readonly hiddenAt: string;
  readonly principal: string;
  readonly hash: string;
  readonly run: string;
  readonly seq: number;
  readonly call: string;
  readonly op: "a" | "u";
}

/**
 * A per-parent kind stored as objects (appRoleAssignments): one row per
 * item, with its parent and principal as columns. Deletions are staged
 * like any other type's; a soft-deleted principal's rows are hidden, as a
 * restore brings them back.
 */
export function parentObjectSink(c: SinkContext): ParentSink {
  const { stores, tenantId, m, runId, call, checkpointSeq, state, plan, preview, now } = c;
  const counters = state.counters;
  const writer = new BatchWriter(stores.objects.table);
  const held = stores.held.writer();
  // Soft deletes park the ID beside the links (applyDeletions); a restore or purge takes it off.
  const links = new BatchWriter(stores.members.table);
  const all = [writer, held, links];
  const softDeleted = new Set(plan.softDeleted);
  const purged = new Set(plan.purged);

  /** A deletion staged for the fan-in; soft: hidden, kept for its principal's restore. */
  const stage = async (id: string, soft = false): Promise<void> => {
    if (preview) return;
    await held.upsert(stores.held.entity(tenantId, { type: m.type, id, runId, soft }));
    counters.deleted++;
  };
  /** A hidden row whose principal is gone for good: already out of the live set and its counts. */
  const purge = async (id: string): Promise<void> => {
    if (preview) return;
    await writer.delete(stores.objects.partitionOf(m.type, id), stores.objects.rowKeyOf(id));
    await links.delete(stores.members.parkedPartition(), stores.objects.rowKeyOf(id));
  };

  const storedOf = async (ids: readonly string[]): Promise<Map<string, StoredRow>> => {
    const out = new Map<string, StoredRow>();
    for (let b = 0; b < OBJECT_BUCKETS; b++) {
      const pk = objectPartition(stores.objects.tenantId, m.type, b);
      for (const filter of columnFilters(pk, "parent", ids)) {
        const it = stores.objects.table.listEntities<Raw>({ queryOptions: { filter, select: ["RowKey", "hash", "run", "seq", "call", "op", "principal", "hidden", "hiddenAt"] } });
        for await (const e of it) {
          out.set(textOf(e.rowKey), {
            hidden: e.hidden === true,
            hiddenAt: textOf(e.hiddenAt),
            principal: textOf(e.principal),
            hash: textOf(e.hash),
            run: textOf(e.run),
            seq: Number(e.seq ?? 0),
            call: textOf(e.call),
            op: e.op === "a" ? "a" : "u",
          });
        }
      }
    }
    return out;
  };

  const write = async (pid: string, o: GraphObject, row: StoredRow | undefined, seq: number): Promise<void> => {
    counters.objects++;
    const data: Record<string, Json> = project(m, o);
    const hash = contentHash(data);
    // A hidden row (its principal was soft-deleted) seen again: restored, so new to the live set.
    const s = row?.hidden ? undefined : row;
    const countedBefore = s?.run === runId && (s.seq <= checkpointSeq || s.call === call);
    const op: "a" | "u" = s && !(s.run === runId && s.op === "a") ? "u" : "a";
    if (!countedBefore && (!s || s.hash !== hash || (s.run === runId && s.seq > checkpointSeq))) {
      if (op === "a") counters.added++;
      else counters.updated++;
    }
    if (!s || s.hash !== hash) {
      const e = stores.objects.entity(m.type, o.id, { name: m.name(o), hash, run: runId, seq, op, call, scan: runId, data });
      // The parent and principal as columns: a parent's rows, or a deleted principal's, are found by query.
      await writer.upsert({ ...e, parent: pid, principal: textOf(o.principalId) });
      if (row?.hidden) await links.delete(stores.members.parkedPartition(), stores.objects.rowKeyOf(o.id));
    } else if (plan.full) {
      // Unchanged: only the mark the full pass's sweep reads.
      await writer.upsert({ partitionKey: stores.objects.partitionOf(m.type, o.id), rowKey: stores.objects.rowKeyOf(o.id), scan: runId }, "Merge");
    }
  };

  return {
    async apply(group: ParentAnswers, seq: number) {
      // A parent that is gone takes its collection with it.
      const ids = [...group.items.keys(), ...group.gone];
      const stored = await storedOf(ids);
      const seen = new Set<string>();
      for (const [pid, list] of group.items) {
        for (const o of list) {
          if (!keepId(c, o) || seen.has(o.id)) continue;
          seen.add(o.id);
          await write(pid, o, stored.get(o.id), seq);
        }
      }
      for (const [id, s] of stored) {
        if (seen.has(id)) continue;
        if (!s.hidden) await stage(id, softDeleted.has(s.principal));
        else if (purged.has(s.principal) || !(now() - Date.parse(s.hiddenAt) < RESTORABLE_MS)) await purge(id);
      }
    },
    async sweep() {
      if (preview) return;
      await writer.flush();
      // What the full pass did not see belongs to no live parent; a hidden row waits out the restore window.
      for await (const u of stores.objects.unseen(m.type, runId)) {
        if (u.hiddenAt === undefined) await stage(u.id);
        else if (!(now() - Date.parse(u.hiddenAt) < RESTORABLE_MS)) await purge(u.id);
      }
    },
    async settle() {
      state.total = plan.full ? await stores.objects.count(m.type) : state.total + counters.added;
    },
    async flush() {
      await Promise.all(all.map((w) => w.flush()));
    },
    writes: () => ({ transactions: all.reduce((n, w) => n + w.stats.transactions, 0), entities: all.reduce((n, w) => n + w.stats.entities, 0) }),
  };
}
