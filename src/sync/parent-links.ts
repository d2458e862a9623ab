import { odata } from "@azure/data-tables";
import type { LinkSpec } from "../domain/synced.js";
import { textOf } from "../domain/text.js";
import { BatchWriter } from "../store/batch-writer.js";
import { safeKey } from "../store/keys.js";
import { countLink, linkCounts, linkTotal, setLinkTotal } from "./link-counts.js";
import { keepId, type ParentAnswers, type ParentSink, type SinkContext } from "./parent-sink.js";

type Raw = Record<string, unknown>;

interface StoredLink {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly memberType: string;
  /** The run, checkpoint and call that added it: an add after the checkpoint by a call that died is counted again. */
  readonly addedRun: string;
  readonly addedSeq: number;
  readonly addedCall: string;
}

/**
 * A per-parent kind stored as links (owners of applications and service
 * principals): a parent's answer is its whole list, so a stored link the
 * answer lacks was removed. A soft-deleted target leaves Graph's list but
 * comes back with a restore (directory-deleteditems-restore.md), so its
 * link stays, hidden by the parked ID. A parent answered 404 keeps its
 * links: they go with the parent's own deletion (or are hidden with it).
 */
export function parentLinkSink(c: SinkContext, spec: LinkSpec): ParentSink {
  const { stores, runId, call, checkpointSeq, state, plan, preview } = c;
  const counters = state.counters;
  const links = new BatchWriter(stores.members.table);
  let parked: ReadonlySet<string> | undefined;
  // Targets deleted since the last pass, by the audit log: the soft-deleted are parked only at this run's fan-in.
  const softDeleted = new Set(plan.softDeleted.map(safeKey));
  const purged = new Set(plan.purged.map(safeKey));
  const restorable = (memberId: string): boolean => !purged.has(safeKey(memberId)) && (parked?.has(safeKey(memberId)) === true || softDeleted.has(safeKey(memberId)));

  const storedOf = async (parentId: string): Promise<Map<string, StoredLink>> => {
    const out = new Map<string, StoredLink>();
    const pk = stores.members.partitionOf(spec.store, parentId);
    const filter = odata`PartitionKey eq ${pk} and RowKey gt ${`${safeKey(parentId)}|`} and RowKey lt ${`${safeKey(parentId)}|~`}`;
    const select = ["RowKey", "memberId", "memberType", "addedRun", "addedSeq", "addedCall"];
    for await (const e of stores.members.table.listEntities<Raw>({ queryOptions: { filter, select } })) {
      out.set(textOf(e.memberId), { partitionKey: pk, rowKey: textOf(e.rowKey), memberType: textOf(e.memberType), addedRun: textOf(e.addedRun), addedSeq: Number(e.addedSeq ?? 0), addedCall: textOf(e.addedCall) });
    }
    return out;
  };

  return {
    async apply(group: ParentAnswers, seq: number) {
      parked ??= await stores.members.parked();
      for (const [pid, list] of group.items) {
        const stored = await storedOf(pid);
        const seen = new Set<string>();
        for (const o of list) {
          if (!keepId(c, o) || seen.has(o.id)) continue;
          seen.add(o.id);
          counters.objects++;
          // directoryObject collections name each item's type (user, servicePrincipal).
          const memberType = textOf(o["@odata.type"], "#microsoft.graph.directoryObject").replace("#microsoft.graph.", "");
          const s = stored.get(o.id);
          const lost = s !== undefined && s.addedRun === runId && s.addedSeq > checkpointSeq && s.addedCall !== call;
          if (!s || lost) countLink(counters, spec, "adds");
          if (!s || s.memberType !== memberType) {
            const added = s ? { addedRun: s.addedRun, addedSeq: s.addedSeq, addedCall: s.addedCall } : { addedRun: runId, addedSeq: seq, addedCall: call };
            await links.upsert({ ...stores.members.entity(spec.store, pid, o.id, memberType, runId), ...added });
          } else if (plan.full) {
            // Unchanged: only the mark the full pass's sweep reads.
            await links.upsert({ partitionKey: s.partitionKey, rowKey: s.rowKey, scan: runId }, "Merge");
          }
        }
        if (preview) continue;
        for (const [memberId, s] of stored) {
          if (seen.has(memberId) || restorable(memberId)) continue;
          await links.delete(s.partitionKey, s.rowKey);
          countLink(counters, spec, "removes");
        }
      }
    },
    async sweep() {
      if (preview) return;
      await links.flush();
      // Links of parents the full pass did not list (deleted meanwhile), but for a soft-deleted parent's or target's.
      const hidden = await stores.members.parked();
      for await (const row of stores.members.all(spec.store, runId, { includeHidden: true })) {
        if (hidden.has(safeKey(row.memberId)) || hidden.has(safeKey(row.containerId))) continue;
        await links.delete(row.partitionKey, row.rowKey);
        countLink(counters, spec, "removes");
      }
    },
    async settle() {
      const { adds, removes } = linkCounts(counters, spec);
      setLinkTotal(state, spec, plan.full ? await stores.members.count(spec.store) : Math.max(0, linkTotal(state, spec) + adds - removes));
    },
    flush: () => links.flush(),
    writes: () => ({ ...links.stats }),
  };
}
