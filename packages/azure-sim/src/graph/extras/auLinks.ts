import type { BaseMembers } from "../memberLinks.js";
import type { MemberRef } from "../types.js";

/**
 * The generated members of administrative units as the base of a
 * MemberLinks, so their chunks page with stable positions while links
 * change, as group members do.
 */
export function auBaseMembers(entries: Iterable<{ auId: string; member: MemberRef }>): BaseMembers {
  const ids: string[] = [];
  const index = new Map<string, number>();
  const lists: MemberRef[][] = [];
  const held = new Map<string, number[]>();
  let total = 0;
  for (const { auId, member } of entries) {
    let c = index.get(auId);
    if (c === undefined) {
      c = ids.length;
      ids.push(auId);
      index.set(auId, c);
      lists.push([]);
    }
    lists[c]!.push(member);
    held.set(member.id, [...(held.get(member.id) ?? []), c]);
    total++;
  }
  return {
    total,
    indexOf: (id) => index.get(id),
    idOf: (c) => ids[c]!,
    count: (c) => lists[c]?.length ?? 0,
    at: (c, k) => lists[c]?.[k],
    has: (c, m) => lists[c]?.some((x) => x.id === m.id) ?? false,
    holding: (m) => held.get(m.id) ?? [],
  };
}
