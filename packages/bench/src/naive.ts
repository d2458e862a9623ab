import { PageIterator, type Client, type PageCollection } from "@microsoft/microsoft-graph-client";
import { project } from "../../../src/graph/resource.js";
import type { GraphObject } from "../../../src/domain/graph-object.js";
import type { SyncedType } from "../../../src/domain/synced.js";
import { RESOURCES } from "../../../src/graph/resources/index.js";
import { contentHash } from "../../../src/sync/content-hash.js";
import type { SyncStores } from "../../../src/sync/stores.js";

/** List endpoints that take $top (Graph: up to 999); directoryRoles and subscribedSkus do not page. */
const TOP_999 = new Set<SyncedType>(["users", "groups", "devices", "applications", "servicePrincipals", "administrativeUnits"]);

/**
 * Every item of a collection through the SDK's PageIterator. The iterator's
 * callback is synchronous, so it pauses after each item (returns false),
 * the item is written (awaited), and the iterator resumes: one entity at a
 * time, the way a straightforward script does it.
 */
async function eachItem(client: Client, first: PageCollection, each: (o: GraphObject) => Promise<void>): Promise<void> {
  let pending: GraphObject | undefined;
  const it = new PageIterator(client, first, (item: GraphObject) => {
    pending = item;
    return false;
  });
  await it.iterate();
  for (;;) {
    if (pending) {
      const o = pending;
      pending = undefined;
      await each(o);
    }
    if (it.isComplete()) return;
    await it.resume();
  }
}

export interface NaiveOptions {
  readonly client: Client;
  readonly stores: SyncStores;
  readonly runId: string;
  /** Fetch the members of every `groupStride`-th group (1 = all): a deterministic sample for big tenants. */
  readonly groupStride: number;
  /** Called between the phases, so the caller can take its measurements. */
  readonly onPhase: (phase: "lists" | "members") => void | Promise<void>;
  readonly log?: (msg: string) => void;
}

export interface NaiveResult {
  readonly objects: Record<string, number>;
  readonly groups: number;
  readonly groupsSampled: number;
  readonly memberLinks: number;
  readonly roleLinks: number;
  /** Time spent in the member phase's upserts (for extrapolating a sample by links, not by groups). */
  readonly memberWriteMs: number;
}

/**
 * The baseline: plain list endpoints (`/users?$top=999`, `/groups`, …)
 * through the PageIterator, then `/groups/{id}/members` for each group
 * (paged), and one upsertEntity per object and per link, all in sequence.
 * Rows have the same shape as the engine's, so the same truth check applies.
 */
export async function runNaive(o: NaiveOptions): Promise<NaiveResult> {
  const { client, stores, runId } = o;
  const objects: Record<string, number> = {};
  const groupIds: string[] = [];
  const roleIds: string[] = [];
  let roleLinks = 0;
  await o.onPhase("lists");
  const parentIds = new Map<string, string[]>(RESOURCES.flatMap((r) => (r.parent ? [[r.parent.type, []] as [string, string[]]] : [])));
  for (const m of RESOURCES) {
    let n = 0;
    if (m.parent) {
      // A per-parent kind, naively: one request per parent, no $batch.
      for (const pid of parentIds.get(m.parent.type) ?? []) {
        const first = (await client.api(m.parent.path(pid)).select(["id", ...m.select]).get()) as PageCollection;
        await eachItem(client, first, async (g) => {
          const data = project(m, g);
          await stores.objects.table.upsertEntity(stores.objects.entity(m.type, g.id, { name: m.name(g), hash: contentHash(data), run: runId, seq: 0, op: "a", call: runId, scan: runId, data }), "Replace");
          n++;
        });
      }
      objects[m.type] = n;
      o.log?.(`naive: ${m.type} ${n}`);
      continue;
    }
    let req = client.api(m.path).select(["id", ...m.select.filter((p) => p !== "members")]);
    if (TOP_999.has(m.type)) req = req.top(999);
    const first = (await req.get()) as PageCollection;
    await eachItem(client, first, async (g) => {
      parentIds.get(m.type)?.push(g.id);
      const data = project(m, g);
      await stores.objects.table.upsertEntity(
        stores.objects.entity(m.type, g.id, { name: m.name(g), hash: contentHash(data), run: runId, seq: 0, op: "a", call: runId, scan: runId, data }),
        "Replace",
      );
      n++;
      if (m.type === "groups") groupIds.push(g.id);
      if (m.type === "directoryRoles") roleIds.push(g.id);
    });
    objects[m.type] = n;
    o.log?.(`naive: ${m.type} ${n}`);
  }
  // Role assignments: a handful of roles, all of them.
  for (const id of roleIds) {
    const first = (await client.api(`/directoryRoles/${id}/members`).select(["id"]).get()) as PageCollection;
    await eachItem(client, first, async (x) => {
      await stores.members.table.upsertEntity(stores.members.entity("directoryRoles", id, x.id, memberType(x), runId), "Replace");
      roleLinks++;
    });
  }
  await o.onPhase("members");
  let memberLinks = 0;
  let memberWriteMs = 0;
  let sampled = 0;
  for (let i = 0; i < groupIds.length; i += o.groupStride) {
    const id = groupIds[i]!;
    sampled++;
    const first = (await client.api(`/groups/${id}/members`).select(["id"]).top(999).get()) as PageCollection;
    await eachItem(client, first, async (x) => {
      const t0 = performance.now();
      await stores.members.table.upsertEntity(stores.members.entity("groups", id, x.id, memberType(x), runId), "Replace");
      memberWriteMs += performance.now() - t0;
      memberLinks++;
    });
    if (sampled % 500 === 0) o.log?.(`naive: members of ${sampled} groups (rss ${(process.memoryUsage.rss() / 1048576).toFixed(0)} MB, heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB)`);
  }
  return { objects, groups: groupIds.length, groupsSampled: sampled, memberLinks, roleLinks, memberWriteMs };
}

function memberType(x: GraphObject): string {
  const type = x["@odata.type"];
  return (typeof type === "string" ? type : "#microsoft.graph.directoryObject").replace("#microsoft.graph.", "");
}
