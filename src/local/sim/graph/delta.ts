import type { Directory } from "./directory.js";
import { project, wantsMembers } from "./select.js";
import type { ContainerType, DeltaType, GraphObject, JsonObject, MemberRef } from "./types.js";
import { odataType } from "./types.js";

/** Where a delta round stands: window (from, to] (from = -1: full round), object position, member position. */
export interface DeltaCursor {
  readonly type: DeltaType;
  readonly select: readonly string[] | null;
  readonly from: number;
  readonly to: number;
  readonly pos: number;
  readonly m: number;
}

export interface DeltaPage {
  readonly value: GraphObject[];
  /** Null when the round is over (time for the deltaLink). */
  readonly next: DeltaCursor | null;
}

export interface DeltaCaps {
  readonly objects: number;
  readonly links: number;
}

const isContainer = (t: DeltaType): t is ContainerType => t === "groups" || t === "directoryRoles";

const linkEntry = (m: MemberRef, removed = false): JsonObject =>
  removed ? { "@odata.type": odataType(m.kind), id: m.id, "@removed": { reason: "deleted" } } : { "@odata.type": odataType(m.kind), id: m.id };

/**
 * One page of a delta round. At most `objects` objects and `links` member
 * links; a container whose members do not fit ends the page and appears
 * again on the next one with the following chunk.
 */
export function deltaPage(dir: Directory, cur: DeltaCursor, caps: DeltaCaps): DeltaPage {
  return cur.from < 0 ? fullPage(dir, cur, caps) : changesPage(dir, cur, caps);
}

function fullPage(dir: Directory, cur: DeltaCursor, caps: DeltaCaps): DeltaPage {
  const table = dir.table(cur.type);
  const links = isContainer(cur.type) && wantsMembers(cur.select) ? dir.links(cur.type) : null;
  const value: GraphObject[] = [];
  let { pos, m } = cur;
  let budget = caps.links;
  const end = table.end;
  while (value.length < caps.objects && pos < end) {
    const obj = table.at(pos);
    if (!obj) {
      pos++;
      m = 0;
      continue;
    }
    const out = project(obj, cur.select);
    if (links) {
      const chunk = links.slice(obj.id, m, budget);
      if (chunk.members.length === 0 && chunk.next !== null) break; // no link budget left: continue here next page
      out["members@delta"] = chunk.members.map((x) => linkEntry(x));
      budget -= chunk.members.length;
      value.push(out);
      if (chunk.next !== null) {
        m = chunk.next;
        return { value, next: { ...cur, pos, m } };
      }
    } else value.push(out);
    pos++;
    m = 0;
  }
  return { value, next: pos < end ? { ...cur, pos, m } : null };
}

function changesPage(dir: Directory, cur: DeltaCursor, caps: DeltaCaps): DeltaPage {
  const table = dir.table(cur.type);
  const window = dir.changes(cur.type, cur.from, cur.to);
  const withMembers = isContainer(cur.type) && wantsMembers(cur.select);
  const value: GraphObject[] = [];
  let { pos, m } = cur;
  let budget = caps.links;
  while (value.length < caps.objects && pos < window.ids.length) {
    const id = window.ids[pos]!;
    const obj = table.get(id);
    if (!obj) {
      value.push({ id, "@removed": { reason: table.removedReason(id) ?? "deleted" } });
      pos++;
      m = 0;
      continue;
    }
    const out = project(obj, cur.select);
    const changes = withMembers ? window.members.get(id) : undefined;
    if (changes) {
      if (budget === 0) break;
      const chunk = changes.slice(m, m + budget);
      out["members@delta"] = chunk.map((c) => linkEntry(c.member, c.removed));
      budget -= chunk.length;
      value.push(out);
      if (m + chunk.length < changes.length) return { value, next: { ...cur, pos, m: m + chunk.length } };
    } else value.push(out);
    pos++;
    m = 0;
  }
  return { value, next: pos < window.ids.length ? { ...cur, pos, m } : null };
}
