import type { LinkSpec } from "../domain/synced.js";
import type { StreamCounters, StreamState } from "../store/sync-state.js";

/**
 * A stream's counters and totals per link. The `members` navigation keeps
 * its own fields (memberAdds, memberRemoves, memberTotal), which history and
 * the bench read; every other navigation is keyed by its link store.
 */
export function linkCounts(c: StreamCounters, l: LinkSpec): { adds: number; removes: number } {
  if (l.nav === "members") return { adds: c.memberAdds, removes: c.memberRemoves };
  return c.links?.[l.store] ?? { adds: 0, removes: 0 };
}

export function countLink(c: StreamCounters, l: LinkSpec, what: "adds" | "removes", n = 1): void {
  if (l.nav === "members") {
    if (what === "adds") c.memberAdds += n;
    else c.memberRemoves += n;
    return;
  }
  const links = (c.links ??= {});
  const e = (links[l.store] ??= { adds: 0, removes: 0 });
  e[what] += n;
}

export function linkTotal(s: StreamState, l: LinkSpec): number {
  return l.nav === "members" ? s.memberTotal : (s.linkTotals?.[l.store] ?? 0);
}

export function setLinkTotal(s: StreamState, l: LinkSpec, n: number): void {
  if (l.nav === "members") s.memberTotal = n;
  else (s.linkTotals ??= {})[l.store] = n;
}
