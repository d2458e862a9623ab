import { LINK_SPECS, type Container, type SyncedType } from "../../domain/synced.js";
import type { MemberStore } from "../../store/member-store.js";
import { ReverseLinks } from "../../store/reverse-links.js";

/**
 * How far nesting is followed. Entra sets no documented depth limit, so the
 * walk stops here and says so (`truncated`); visited groups are never walked
 * twice, which makes a cycle end the walk instead of looping.
 */
export const MAX_DEPTH = 16;

/** The container kinds an object can be a member of, as Graph's `@odata.type` names them. */
export type ContainerKind = "group" | "directoryRole" | "administrativeUnit";

export interface MemberOfItem {
  readonly id: string;
  readonly type: ContainerKind;
  /** A direct member, or one through the group named in `via`. */
  readonly direct: boolean;
  readonly via: string | null;
  /** 1 for direct, 2 for a group's group, and so on. */
  readonly depth: number;
}

const KIND_OF: Partial<Record<SyncedType, ContainerKind>> = { groups: "group", directoryRoles: "directoryRole", administrativeUnits: "administrativeUnit" };

/** The `members` navigations of the catalogue: the stores whose containers an object is "a member of". */
export const MEMBER_STORES: readonly Container[] = LINK_SPECS.filter((l) => l.nav === "members" && KIND_OF[l.parent] !== undefined).map((l) => l.store);

export const GROUP_MEMBERS: Container = LINK_SPECS.find((l) => l.parent === "groups" && l.nav === "members")?.store ?? "groups";

/**
 * Containers that pass membership on to the members of a member group:
 * groups (nesting) and directory roles (a role assigned to a role-assignable
 * group applies to its members, entra/identity/role-based-access-control/groups-concept.md).
 * An administrative unit does not: "adding a group to an administrative unit
 * brings the group itself into the management scope of the administrative
 * unit, but not the members of the group"
 * (entra/identity/role-based-access-control/administrative-units.md).
 */
const INHERITED: readonly SyncedType[] = ["groups", "directoryRoles"];

/** Sort order of an answer: nearest first, then by kind and ID; also the paging key. */
export const memberOfKey = (i: MemberOfItem): string => `${String(i.depth).padStart(3, "0")}|${i.type}|${i.id}`;

/**
 * What `objectId` is a member of: its direct containers from the reverse
 * index, and with `transitive` the groups (and roles) reached through
 * nesting, breadth first so each item names the nearest group it comes
 * through. One range query per group walked.
 */
export async function memberOf(members: MemberStore, objectId: string, transitive: boolean): Promise<{ items: MemberOfItem[]; truncated: boolean }> {
  const reverse = new ReverseLinks(members);
  const parked = await members.parked();
  const out = new Map<string, MemberOfItem>();
  const visited = new Set<string>([objectId]);
  let frontier: string[] = [];
  for await (const r of reverse.of(objectId, MEMBER_STORES, parked)) {
    const type = KIND_OF[r.containerType];
    if (!type) continue;
    out.set(`${type}|${r.containerId}`, { id: r.containerId, type, direct: true, via: null, depth: 1 });
    if (r.containerType === "groups" && !visited.has(r.containerId)) {
      visited.add(r.containerId);
      frontier.push(r.containerId);
    }
  }
  let depth = 1;
  while (transitive && frontier.length > 0 && depth < MAX_DEPTH) {
    const next: string[] = [];
    const found = await Promise.all(frontier.sort().map(async (g) => ({ g, rows: await collect(reverse.of(g, MEMBER_STORES, parked)) })));
    for (const { g, rows } of found) {
      for (const r of rows) {
        const type = KIND_OF[r.containerType];
        if (!type || !INHERITED.includes(r.containerType)) continue;
        const key = `${type}|${r.containerId}`;
        if (!out.has(key) && r.containerId !== objectId) out.set(key, { id: r.containerId, type, direct: false, via: g, depth: depth + 1 });
        if (r.containerType === "groups" && !visited.has(r.containerId)) {
          visited.add(r.containerId);
          next.push(r.containerId);
        }
      }
    }
    frontier = next;
    depth++;
  }
  const items = [...out.values()].sort((a, b) => (memberOfKey(a) < memberOfKey(b) ? -1 : memberOfKey(a) > memberOfKey(b) ? 1 : 0));
  return { items, truncated: transitive && frontier.length > 0 };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
