import { expect, inject } from "vitest";
import { resolveEndpoints } from "../../src/config/clouds.js";
import { createGraphClient } from "../../src/graph/client.js";
import { customerCredential } from "../../src/graph/credential.js";
import type { Json } from "../../src/domain/graph-object.js";
import type { SyncedType } from "../../src/domain/synced.js";
import { RESOURCES, resourceOf } from "../../src/graph/resources/index.js";
import { driveSync } from "../../packages/local-host/src/durable/sync-driver.js";
import type { Trigger } from "../../src/store/history-store.js";
import { Tables } from "../../src/store/tables.js";
import type { Filters } from "../../src/domain/filters.js";
import type { FinishResult } from "../../src/sync/finish-run.js";
import { graphPageSource, type PageSource } from "../../src/sync/graph-source.js";
import { syncStores, type SyncStores } from "../../src/sync/stores.js";
import type { StreamProgress } from "../../src/sync/stream.js";
import type { DeletionThreshold } from "../../src/domain/threshold.js";
import type { CreatedTenant } from "./sim.js";
import { simGet } from "./sim.js";
import { uniqueTableName } from "./tables.js";
import { textOf } from "../../src/domain/text.js";

export interface Harness {
  readonly tenantId: string;
  readonly tables: Tables;
  readonly stores: SyncStores;
  readonly graph: PageSource;
}

/** Fresh tables and a real Graph client (fast retries) for one simulated tenant. */
export async function harness(t: CreatedTenant | { tenantId: string; clientId: string; clientSecret: string }): Promise<Harness> {
  const sim = inject("sim");
  const endpoints = resolveEndpoints("global", undefined, { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl });
  const app = "apps" in t ? { tenantId: t.tenantId, clientId: t.apps[0]!.clientId, clientSecret: t.apps[0]!.clientSecrets[0]! } : t;
  const tables = new Tables({ kind: "connectionString", connectionString: inject("tableConnectionString") }, uniqueTableName("s"));
  await tables.ensure();
  const client = createGraphClient(customerCredential(app, endpoints), endpoints, { retry: { maxRetries: 10, baseDelayMs: 20, maxDelayMs: 200 } });
  return { tenantId: t.tenantId, tables, stores: syncStores(tables, t.tenantId), graph: graphPageSource(client) };
}

export interface RunOptions {
  readonly runId: string;
  readonly fullScan?: boolean;
  readonly filters?: Filters;
  readonly threshold?: DeletionThreshold | null;
  readonly trigger?: Trigger;
  readonly types?: readonly SyncedType[];
  /** Budget per stream call; small values force continuations. */
  readonly budgetMs?: number;
}

/** A run made by the registered orchestration on the local Durable backend (the one driver, shared with the bench). */
export async function syncOnce(h: Harness, o: RunOptions): Promise<{ streams: Map<SyncedType, StreamProgress>; finish: FinishResult; calls: number }> {
  return driveSync({
    tenantId: h.tenantId,
    runId: o.runId,
    stores: h.stores,
    graphFor: () => h.graph,
    budgetMs: o.budgetMs ?? 600_000,
    fullScan: o.fullScan ?? false,
    ...(o.types ? { types: o.types } : {}),
    ...(o.filters ? { filters: o.filters } : {}),
    threshold: o.threshold ?? null,
    trigger: o.trigger ?? "manual",
  });
}

/**
 * The store holds exactly the ground truth: every object, every selected property, every link.
 * Sign-ins and the audit feed are checked by their own tests (test/sync/sign-in-activity.test.ts, audit-feed.test.ts).
 */
export async function expectEqualToTruth(
  h: Pick<Harness, "tenantId" | "stores">,
  types: readonly SyncedType[] = RESOURCES.filter((r) => r.mode === "delta" || r.mode === "list").map((r) => r.type),
  keep?: (type: SyncedType, o: Record<string, Json>) => boolean,
  truthOf: <T>(path: string) => Promise<T> = simGet,
): Promise<void> {
  for (const type of types) {
    const m = resourceOf(type);
    const select = ["id", ...m.select.filter((p) => p !== "members")].join(",");
    const truth = (await truthOf<Array<Record<string, Json>>>(`/_sim/${h.tenantId}/truth/${type}?select=${select}`)).filter((o) => !keep || keep(type, o));
    const stored = new Map<string, Record<string, Json>>();
    for await (const row of h.stores.objects.list(type)) stored.set(row.id, row.data);
    expect(stored.size, `${type} count`).toBe(truth.length);
    for (const o of truth) expect(stored.get(textOf(o.id)), `${type} ${textOf(o.id)}`).toEqual(o);
  }
  if (types.includes("groups")) {
    const truth = await truthOf<Array<{ groupId: string; memberId: string }>>(`/_sim/${h.tenantId}/truth/memberships`);
    const inScope = new Set<string>();
    for await (const g of h.stores.objects.list("groups")) inScope.add(g.id);
    const expected = truth.filter((l) => inScope.has(l.groupId)).map((l) => `${l.groupId}|${l.memberId}`).sort();
    const got: string[] = [];
    for await (const l of h.stores.members.all("groups")) got.push(`${l.containerId}|${l.memberId}`);
    expect(got.sort()).toEqual(expected);
  }
  if (types.includes("directoryRoles")) {
    const truth = await truthOf<Array<{ roleId: string; memberId: string }>>(`/_sim/${h.tenantId}/truth/roleMemberships`);
    const got: string[] = [];
    for await (const l of h.stores.members.all("directoryRoles")) got.push(`${l.containerId}|${l.memberId}`);
    expect(got.sort()).toEqual(truth.map((l) => `${l.roleId}|${l.memberId}`).sort());
  }
}
