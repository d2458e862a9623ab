/**
 * Query latency against the store a run wrote, through the query layer the
 * API serves (src/query): an indexed attribute filter, memberOf (direct and
 * transitive), a group's transitive members, and one object by ID. Sample
 * values come from the simulator's truth, so every query asks for
 * something that exists; each kind reports p50/p95 ms and the rows found.
 */
import type { SyncStores } from "../../../src/sync/stores.js";
import { filterFor } from "../../../src/query/filter.js";
import { filterPage } from "../../../src/query/filter-page.js";
import { memberOf } from "../../../src/query/membership/member-of.js";
import { nestedGroups, transitiveMembersPage } from "../../../src/query/membership/transitive-members.js";
import type { SimApi } from "./sim-api.js";

export interface QueryLatency {
  readonly kind: string;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** Rows the queries returned, summed over the samples (0 would mean the store cannot answer it). */
  readonly results: number;
  /** Filter only: how the query layer served it (index or scan). */
  readonly served?: string;
}

const PAGE = 100;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

async function timed<T>(kind: string, inputs: readonly T[], run: (x: T) => Promise<{ n: number; served?: string }>): Promise<QueryLatency> {
  const ms: number[] = [];
  let results = 0;
  let served: string | undefined;
  for (const x of inputs) {
    const t0 = performance.now();
    const r = await run(x);
    ms.push(performance.now() - t0);
    results += r.n;
    served ??= r.served;
  }
  ms.sort((a, b) => a - b);
  return { kind, samples: inputs.length, p50Ms: quantile(ms, 0.5), p95Ms: quantile(ms, 0.95), results, ...(served ? { served } : {}) };
}

/** Spreads `n` picks over a list (deterministic). */
const spread = <T>(xs: readonly T[], n: number): T[] => (xs.length <= n ? [...xs] : Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!));

export async function queryLatencies(sim: SimApi, tenantId: string, stores: SyncStores, samples = 20): Promise<QueryLatency[]> {
  const users = spread(await sim.get<Array<{ id: string; userPrincipalName: string }>>(`/_sim/${tenantId}/truth/users?select=id,userPrincipalName`), samples);
  const links = await sim.get<Array<{ groupId: string; memberId: string }>>(`/_sim/${tenantId}/truth/memberships`);
  const members = spread([...new Set(links.map((l) => l.memberId))].sort(), samples);
  const groups = spread([...new Set(links.map((l) => l.groupId))].sort(), samples);
  return [
    await timed("filter users userPrincipalName eq (indexed)", users, async (u) => {
      const { m, expr } = filterFor("users", `userPrincipalName eq '${u.userPrincipalName.replace(/'/g, "''")}'`);
      const page = await filterPage(stores.objects, m, expr, { pageSize: PAGE });
      return { n: page.items.length, served: page.served };
    }),
    await timed("memberOf (direct)", members, async (id) => ({ n: (await memberOf(stores.members, id, false)).items.length })),
    await timed("memberOf (transitive)", members, async (id) => ({ n: (await memberOf(stores.members, id, true)).items.length })),
    await timed("group members (transitive, first page)", groups, async (id) => {
      const { groups: nested } = await nestedGroups(stores.members, id);
      const page = await transitiveMembersPage(stores.members, nested, PAGE, undefined);
      return { n: page === "stale" ? 0 : page.items.length };
    }),
    await timed("object by id (users)", users, async (u) => ({ n: (await stores.objects.get("users", u.id)) ? 1 : 0 })),
  ];
}
