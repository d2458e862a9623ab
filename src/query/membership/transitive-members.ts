import { odata } from "@azure/data-tables";
import type { MemberStore } from "../../store/member-store.js";
import { safeKey } from "../../store/keys.js";
import { GROUP_MEMBERS, MAX_DEPTH } from "./member-of.js";

export interface NestedGroup {
  readonly id: string;
  /** The group it is a member of, on the shortest path from the root; null for the root. */
  readonly via: string | null;
  readonly depth: number;
}

export interface TransitiveMember {
  readonly id: string;
  readonly type: string;
  readonly direct: boolean;
  /** The group it is a direct member of on the way (null when direct). */
  readonly via: string | null;
  readonly depth: number;
}

/** Members of a group that are groups: only those rows are read (memberType is a column), not the whole member list. */
async function memberGroups(members: MemberStore, groupId: string, parked: ReadonlySet<string>): Promise<string[]> {
  const pk = members.partitionOf(GROUP_MEMBERS, groupId);
  const lo = `${safeKey(groupId)}|`;
  const hi = `${safeKey(groupId)}|~`;
  const filter = odata`PartitionKey eq ${pk} and RowKey gt ${lo} and RowKey lt ${hi} and memberType eq ${"group"}`;
  const out: string[] = [];
  for await (const e of members.table.listEntities<{ memberId: string }>({ queryOptions: { filter, select: ["memberId"] } })) {
    if (!parked.has(safeKey(e.memberId))) out.push(e.memberId);
  }
  return out.sort();
}

/**
 * The root and every group nested in it, breadth first (each named with
 * the group it was first reached through), cycle-safe and at most
 * MAX_DEPTH levels down.
 */
export async function nestedGroups(members: MemberStore, rootId: string): Promise<{ groups: NestedGroup[]; truncated: boolean }> {
  const parked = await members.parked();
  const groups: NestedGroup[] = [{ id: rootId, via: null, depth: 0 }];
  const seen = new Set([rootId]);
  let frontier = [rootId];
  let depth = 0;
  while (frontier.length > 0 && depth < MAX_DEPTH) {
    const next: string[] = [];
    const found = await Promise.all(frontier.map(async (g) => ({ g, kids: await memberGroups(members, g, parked) })));
    for (const { g, kids } of found) {
      for (const k of kids) {
        if (seen.has(k)) continue;
        seen.add(k);
        groups.push({ id: k, via: g, depth: depth + 1 });
        next.push(k);
      }
    }
    frontier = next;
    depth++;
  }
  return { groups, truncated: frontier.length > 0 };
}

export interface MembersCursor {
  /** The nested group being listed, and the last member ID given from it. */
  readonly g: string;
  readonly after: string;
}

/**
 * One page of a group's transitive members: each nested group's own
 * members in turn, a member listed under the first group (in walk order)
 * that holds it, so nothing repeats across pages. Earlier groups are asked
 * by key whether they hold a candidate (a few queries a page), never read
 * whole. Nested groups are members too, as in Graph's transitiveMembers.
 */
export async function transitiveMembersPage(
  members: MemberStore,
  groups: readonly NestedGroup[],
  pageSize: number,
  cursor: MembersCursor | undefined,
): Promise<{ items: TransitiveMember[]; next?: MembersCursor } | "stale"> {
  const root = groups[0]?.id ?? "";
  let start = 0;
  if (cursor) {
    start = groups.findIndex((g) => g.id === cursor.g);
    if (start < 0) return "stale";
  }
  const items: TransitiveMember[] = [];
  for (let i = start; i < groups.length; i++) {
    const group = groups[i]!;
    const after = i === start && cursor ? cursor.after : "";
    const earlier = groups.slice(0, i);
    let batch: Array<{ memberId: string; memberType: string }> = [];
    // Where this group's listing stopped: a page that fills with the previous group's members resumes here from its start.
    let lastHere = after;
    const drain = async (): Promise<boolean> => {
      const dupes = await heldByAny(members, earlier, batch.map((b) => b.memberId));
      for (const b of batch) {
        if (b.memberId === root || dupes.has(b.memberId)) continue;
        if (items.length === pageSize) return true;
        items.push({ id: b.memberId, type: b.memberType, direct: i === 0, via: i === 0 ? null : group.id, depth: group.depth + 1 });
        lastHere = b.memberId;
      }
      batch = [];
      return false;
    };
    for await (const m of members.members(GROUP_MEMBERS, group.id)) {
      if (m.memberId <= after) continue;
      batch.push({ memberId: m.memberId, memberType: m.memberType });
      if (batch.length >= pageSize && (await drain())) return { items, next: { g: group.id, after: lastHere } };
    }
    if (await drain()) return { items, next: { g: group.id, after: lastHere } };
  }
  return { items };
}

/** Which of `ids` some group in `groups` holds directly. */
async function heldByAny(members: MemberStore, groups: readonly NestedGroup[], ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (groups.length === 0 || ids.length === 0) return out;
  const links = groups.flatMap((g) => ids.map((id) => ({ containerId: g.id, memberId: id })));
  const found = await members.existing(GROUP_MEMBERS, links);
  for (const l of links) if (found.has(members.rowKey(l.containerId, l.memberId))) out.add(l.memberId);
  return out;
}
