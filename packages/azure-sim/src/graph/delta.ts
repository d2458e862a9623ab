import type { Behaviours } from "./behaviours.js";
import { prng, stableUnit } from "../ids.js";
import type { Directory } from "./directory.js";
import { project, wantsMembers, wantsNav } from "./select.js";
import type { DeltaType, GraphObject, JsonObject, LinkNav, MemberDeltaType, MemberRef } from "./types.js";
import { odataType } from "./types.js";

/**
 * Where a delta round stands: window (from, to] (from = -1: full round),
 * object position; a container whose member chunks are
 * pending (gp, its position, and gm, the member position; gr: its chunk is
 * due on this page); the phase (0: a leading empty page is due, 1: objects,
 * 2: the repeat page is due).
 */
export interface DeltaCursor {
  readonly type: DeltaType;
  readonly select: readonly string[] | null;
  readonly from: number;
  readonly to: number;
  readonly pos: number;
  readonly gp: number;
  readonly gm: number;
  readonly gr: boolean;
  readonly ph: number;
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

/** How this request is answered: the tenant's behaviours and the client's `Prefer: return=minimal`. */
export interface DeltaMode {
  readonly behaviours: Behaviours;
  readonly minimal: boolean;
}

type Chunk = { members: JsonObject[]; next: number | null };
interface Entry {
  readonly out: GraphObject;
  readonly members?: (from: number, max: number) => Chunk;
}
interface Round {
  readonly count: number;
  entry(pos: number): Entry | undefined;
}

const isContainer = (t: DeltaType): t is MemberDeltaType => t === "groups" || t === "directoryRoles" || t === "administrativeUnits";

/**
 * The small links a round reports inline as `<nav>@delta`: a group's
 * owners and a user's manager, when selected. applications and
 * servicePrincipals delta document no relationship tracking
 * (application-delta.md, serviceprincipal-delta.md): their owners come
 * from /{type}/{id}/owners, never from delta. `$expand` is ignored:
 * "The $expand operator has always been ignored with /delta. It is the
 * $select=manager operator that will include changes to manager"
 * (maintainer, microsoftgraph/microsoft-graph-docs#6194).
 */
function navsOf(type: DeltaType, select: readonly string[] | null): LinkNav[] {
  if (type === "groups" && wantsNav(select, "owners")) return ["owners"];
  if (type === "users" && wantsNav(select, "manager")) return ["manager"];
  return [];
}

/** The live owners or manager of an object, as a full round reports them. */
function liveNav(dir: Directory, nav: LinkNav, id: string): MemberRef[] {
  if (nav === "owners") return dir.extras.ownersOf(id).map((u) => ({ id: u, kind: "user" }));
  const m = dir.extras.managerOf(id);
  return m === undefined ? [] : [{ id: m, kind: "user" }];
}

const linkEntry = (m: MemberRef, removed = false): JsonObject =>
  removed ? { "@odata.type": odataType(m.kind), id: m.id, "@removed": { reason: "deleted" } } : { "@odata.type": odataType(m.kind), id: m.id };

/** A deterministic permutation of `items` under `key` (Fisher–Yates on a seeded draw). */
function shuffled<T>(items: readonly T[], key: string): T[] {
  const out = [...items];
  const rand = prng(Math.floor(stableUnit(key) * 0x1_0000_0000));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every object of the type, live state (a full round). */
function fullRound(dir: Directory, cur: DeltaCursor): Round {
  const table = dir.table(cur.type);
  const type = cur.type;
  const withMembers = isContainer(type) && wantsMembers(cur.select);
  const navs = navsOf(type, cur.select);
  return {
    count: table.end,
    entry(pos) {
      const obj = table.at(pos);
      if (!obj) return undefined;
      const out = project(obj, cur.select);
      for (const nav of navs) {
        const refs = liveNav(dir, nav, obj.id);
        if (refs.length > 0) out[`${nav}@delta`] = refs.map((m) => linkEntry(m));
      }
      if (!withMembers || !isContainer(type)) return { out };
      return {
        out,
        members: (from, max) => {
          const s = dir.liveSlice(type, obj.id, from, max);
          return { members: s.members.map((x) => linkEntry(x)), next: s.next };
        },
      };
    },
  };
}

/**
 * The objects changed in (from, to]. Partial objects: "Updated instances
 * are represented by their id with at least the properties that have been
 * updated" (concepts/delta-query-overview.md); users and groups return the
 * full selected object unless `Prefer: return=minimal` (user-delta.md,
 * group-delta.md). A change to a property not selected does not bring the
 * object back (delta-query-overview.md, "$select … tracks only those").
 */
function changesRound(dir: Directory, cur: DeltaCursor, mode: DeltaMode): Round {
  const type = cur.type;
  const table = dir.table(type);
  const window = dir.changes(type, cur.from, cur.to);
  const ids = mode.behaviours.shuffle ? shuffled(window.ids, `${type}:${cur.from}:${cur.to}`) : window.ids;
  const withMembers = isContainer(type) && wantsMembers(cur.select);
  const partial = mode.behaviours.partialObjects && (mode.minimal || (type !== "users" && type !== "groups"));
  const idOnlyForMembers = partial || (type === "groups" && mode.behaviours.membershipOnlyGroups);
  const navs = navsOf(type, cur.select);
  return {
    count: ids.length,
    entry(pos) {
      const id = ids[pos]!;
      const obj = table.get(id);
      if (!obj) return { out: { id, "@removed": { reason: table.removedReason(id) ?? "deleted" } } };
      // Soft-deleted members are left out of members@delta (concepts/delta-query-groups.md); removals always show.
      const links = withMembers ? (window.members.get(id) ?? []).filter((c) => c.removed || dir.isLive(c.member)) : [];
      const navLinks: Array<[LinkNav, JsonObject[]]> = [];
      for (const nav of navs) {
        const touched = (window.navs.get(nav)?.get(id) ?? []).filter((c) => c.removed || dir.isLive(c.member));
        if (touched.length > 0) navLinks.push([nav, touched.map((c) => linkEntry(c.member, c.removed))]);
      }
      const props = window.props.get(id);
      const changed = props === undefined || props === "all" ? props : cur.select === null ? [...props] : cur.select.filter((p) => props.has(p));
      if (changed !== "all" && (changed === undefined || changed.length === 0) && links.length === 0 && navLinks.length === 0) return undefined;
      let out: GraphObject;
      if (changed === "all" || (changed && changed.length > 0 && !partial)) out = project(obj, cur.select);
      else if (changed && changed.length > 0) out = project(obj, changed);
      else out = idOnlyForMembers ? { id } : project(obj, cur.select);
      for (const [nav, entries] of navLinks) out[`${nav}@delta`] = entries;
      if (links.length === 0) return { out };
      return {
        out,
        members: (from, max) => {
          const end = Math.min(links.length, from + max);
          return { members: links.slice(from, end).map((c) => linkEntry(c.member, c.removed)), next: end < links.length ? end : null };
        },
      };
    },
  };
}

/**
 * One page of a delta round. At most `objects` objects and `links` member
 * links. A container whose members do not fit gets the following chunks
 * on later pages; with `scatterMemberChunks` other objects come between
 * them ("the same group could show up anywhere in the nextLink sequence",
 * concepts/delta-query-groups.md).
 */
export function deltaPage(dir: Directory, cur: DeltaCursor, caps: DeltaCaps, mode: DeltaMode): DeltaPage {
  const b = mode.behaviours;
  const round = cur.from < 0 ? fullRound(dir, cur) : changesRound(dir, cur, mode);
  // "A response with an empty value and a nextLink": keep following (concepts/delta-query-overview.md).
  if (cur.ph === 0) {
    const next = { ...cur, ph: 1 };
    if (b.emptyPages && round.count > 0) return { value: [], next };
    cur = next;
  }
  if (cur.ph === 2) return { value: repeatPage(round, caps), next: null };

  const value: GraphObject[] = [];
  let { pos, gp, gm, gr } = cur;
  let budget = caps.links;
  const finish = (): DeltaPage => {
    const order = b.shuffle ? shuffled(value, `${cur.type}:${cur.from}:${cur.pos}:${cur.gp}:${cur.gm}`) : value;
    if (pos < round.count || gp >= 0) return { value: order, next: { ...cur, pos, gp, gm, gr } };
    // "The same resource may be returned more than once" (delta-query-overview.md): a later page repeats the first.
    return { value: order, next: b.repeats && round.count > 0 ? { ...cur, pos, gp, gm, gr, ph: 2 } : null };
  };

  if (gp >= 0 && (gr || pos >= round.count)) {
    const e = round.entry(gp);
    const chunk = e?.members?.(gm, budget);
    if (e && chunk) {
      value.push({ ...e.out, "members@delta": chunk.members });
      budget -= chunk.members.length;
      if (chunk.next !== null) {
        gm = chunk.next;
        gr = !b.scatterMemberChunks || pos >= round.count;
        return finish();
      }
    }
    gp = -1;
    gm = 0;
    gr = false;
  }
  const between = gp >= 0;
  while (value.length < caps.objects && pos < round.count) {
    const e = round.entry(pos);
    if (!e) {
      pos++;
      continue;
    }
    if (!e.members) {
      value.push(e.out);
      pos++;
      continue;
    }
    if (budget === 0) break;
    const chunk = e.members(0, budget);
    // Between two chunks of a pending container, only containers that fit whole.
    if (between && chunk.next !== null) break;
    // A group without members has no members@delta at all (concepts/delta-query-groups.md, TestGroup2).
    value.push(chunk.members.length === 0 && chunk.next === null ? e.out : { ...e.out, "members@delta": chunk.members });
    budget -= chunk.members.length;
    if (chunk.next !== null) {
      gp = pos++;
      gm = chunk.next;
      gr = !b.scatterMemberChunks || pos >= round.count;
      return finish();
    }
    pos++;
  }
  if (between) gr = true;
  return finish();
}

/** The repeat page: the round's first object again, with its first member chunk. */
function repeatPage(round: Round, caps: DeltaCaps): GraphObject[] {
  for (let pos = 0; pos < Math.min(round.count, 1000); pos++) {
    const e = round.entry(pos);
    if (!e) continue;
    const chunk = e.members?.(0, caps.links);
    return [chunk && chunk.members.length > 0 ? { ...e.out, "members@delta": chunk.members } : e.out];
  }
  return [];
}
