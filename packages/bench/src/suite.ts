// Over 300 lines: the four measured runs (full, delta, faults, naive) of one bench job, which share its context and report builder.
import { randomUUID } from "node:crypto";
import { expectedCounts, expectedLinkCounts } from "../../azure-sim/src/graph/expected-changes.js";
import type { TokenCredential } from "@azure/core-auth";
import type { CloudEndpoints } from "../../../src/config/clouds.js";
import { graphScope } from "../../../src/config/clouds.js";
import { linkKindOf, type SyncedType } from "../../../src/domain/synced.js";
import { linkTotal } from "../../../src/sync/link-counts.js";
import { RESOURCES } from "../../../src/graph/resources/index.js";
import { graphPageSource } from "../../../src/sync/graph-source.js";
import { syncStores, type SyncStores } from "../../../src/sync/stores.js";
import { account, type Accounting, type LoggedRequest } from "./accounting.js";
import { runEngine, type EngineRun } from "./engine.js";
import { appCredential, countedClient, simEndpoints, type CountingTransport } from "./graph.js";
import { collect, Meter, type Measured } from "./measure.js";
import { runNaive } from "./naive.js";
import { queryLatencies } from "./queries.js";
import { SimApi, type AppliedMutation } from "./sim-api.js";
import type { TableCounts } from "./table-wire.js";
import { azuriteBackend, fakeBackend, type TableBackend } from "./tables.js";
import { compareCounts, compareStoreToTruth, roleAssignmentCount, type Check } from "./truth.js";
import type { Job, RunReport, WorkerResult } from "./types.js";

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const MB = 1024 * 1024;
const COUNTED_TYPES: readonly SyncedType[] = RESOURCES.map((r) => r.type);
/** Types the mutations change (see packages/azure-sim/src/graph/expected-changes.ts). */
const MUTATED: readonly SyncedType[] = ["users", "groups", "devices"];

interface Ctx {
  readonly job: Job;
  readonly sim: SimApi;
  readonly tenantId: string;
  readonly credential: TokenCredential;
  readonly endpoints: CloudEndpoints;
  readonly backend: TableBackend;
  readonly log: (m: string) => void;
}

function tablePrefix(name: string): string {
  return `bx${Date.now().toString(36)}${randomUUID().slice(0, 4)}${name}`.replace(/[^A-Za-z0-9]/g, "");
}

/** CPU ms of the measured worker per 1,000 entities written and per 1,000 Graph objects read. */
function cpuPer(cpuSeconds: number, entities: number, objects: number): Pick<RunReport, "engineCpuMsPerKEntities" | "engineCpuMsPerKObjects" | "graphObjects"> {
  const per = (n: number) => (n > 0 ? round((cpuSeconds * 1000) / (n / 1000), 1) : 0);
  return { engineCpuMsPerKEntities: per(entities), engineCpuMsPerKObjects: per(objects), graphObjects: objects };
}

/** Pages the streams applied (a stream's counters carry over its continuations). */
const pagesOf = (run: EngineRun): number => [...run.streams.values()].reduce((n, p) => n + p.counters.pages, 0);

function build(
  name: RunReport["name"],
  m: Measured,
  acc: Accounting,
  tc: TableCounts,
  counter: CountingTransport,
  pages: number | null,
  check: Check | null,
  extra: Partial<RunReport> = {},
): RunReport {
  const cp = acc.criticalPathSeconds;
  return {
    ...cpuPer(m.cpuSeconds, tc.entities, acc.objects),
    name,
    wallSeconds: round(m.wallSeconds),
    criticalPathSeconds: round(cp),
    ratioToLimit: cp > 0 ? round(m.wallSeconds / cp) : 0,
    graphRequests: acc.total,
    tableTransactions: tc.transactions,
    entitiesWritten: tc.entities,
    peakRssMb: round(m.peakRssMb, 1),
    cpuSeconds: round(m.cpuSeconds, 2),
    groundTruthMatch: check ? check.ok : null,
    check: check ? { what: check.what, problems: check.problems } : null,
    graphRequestsByResource: acc.byResource,
    clientGraphRequests: counter.total,
    pages,
    criticalPath: {
      resource: acc.longest?.resource ?? null,
      requests: acc.longest?.requests ?? 0,
      latencyOnlySeconds: round(acc.latencyOnlySeconds),
      faulted: acc.longest?.faulted ?? 0,
      servedSeconds: round(acc.servedSeconds),
      withRetryAfterSeconds: round(acc.withRetryAfterSeconds),
      maxOverlap: acc.maxOverlap,
    },
    unpaced: {
      resource: acc.unpaced.resource,
      criticalPathSeconds: round(acc.unpaced.criticalPathSeconds),
      spanSeconds: round(acc.unpaced.spanSeconds),
      ratio: acc.unpaced.criticalPathSeconds > 0 ? round(acc.unpaced.spanSeconds / acc.unpaced.criticalPathSeconds) : 0,
    },
    faults: acc.faults,
    table: {
      batches: tc.batches,
      reads: tc.reads,
      byTable: tc.byTable,
      readsByTable: tc.readsByTable,
      entitiesPerTransaction: tc.transactions ? round(tc.entities / tc.transactions, 1) : 0,
    },
    startRssMb: round(m.startRssMb, 1),
    peakHeapMb: round(m.peakHeapMb, 1),
    ...extra,
  };
}

/** Kinds the change feed does not list: the side streams and the per-parent kinds (README, "Change feed"). */
const UNFED = new Set<string>(RESOURCES.filter((r) => r.mode === "attribute" || r.mode === "feed" || r.mode === "perParent").map((r) => r.type));

/** Entities per applied change with and without the change feed's rows (ChangeFeed is the feed's only table). */
function amplification(tc: TableCounts, run: EngineRun): NonNullable<RunReport["writeAmplification"]> {
  const changes = run.finish.records.filter((r) => !UNFED.has(r.type)).reduce((n, r) => n + r.changed + r.deleted, 0);
  const feed = tc.entitiesByTable["ChangeFeed"] ?? 0;
  const per = (x: number) => (changes > 0 ? round(x / changes, 3) : 0);
  return { changes, feedEntities: feed, entitiesPerChangeWithFeed: per(tc.entities), entitiesPerChangeWithoutFeed: per(tc.entities - feed), feedEntitiesPerChange: per(feed) };
}

/** Fresh tables, a fresh counted client, the meter and the log around one engine run. */
type Phases = NonNullable<RunReport["phases"]>;

async function engineRun(
  ctx: Ctx,
  stores: SyncStores,
  runId: string,
): Promise<{ run: EngineRun; m: Measured; tc: TableCounts; counter: CountingTransport; requests: LoggedRequest[]; phases: Phases }> {
  const { sim, tenantId, backend, job } = ctx;
  await sim.clearRequests();
  await backend.reset();
  const { client, counter } = countedClient(ctx.credential, ctx.endpoints);
  const meter = new Meter();
  let streams: ReturnType<Meter["mark"]> | undefined;
  meter.start();
  let liveHeapMb = 0;
  const onStreamsDone = () => {
    streams = meter.mark();
    // What the streams left alive: heapUsed after a full collection (a few ms, inside the wall time).
    collect();
    liveHeapMb = process.memoryUsage().heapUsed / MB;
  };
  const run = await runEngine(graphPageSource(client), stores, tenantId, runId, { fullScan: false, budgetMs: job.budgetMs, onStreamsDone });
  const fin = meter.mark();
  const m = meter.stop();
  const s = streams ?? fin;
  const phases: Phases = {
    streams: { seconds: round(s.atSeconds), peakRssMb: round(s.peakRssMb, 1), peakHeapMb: round(s.peakHeapMb, 1), liveHeapAfterMb: round(liveHeapMb, 1) },
    finish: { seconds: round(fin.atSeconds - s.atSeconds), peakRssMb: round(fin.peakRssMb, 1), peakHeapMb: round(fin.peakHeapMb, 1) },
  };
  const tc = await backend.counts();
  const { requests, dropped } = await sim.requests(tenantId);
  if (dropped > 0) ctx.log(`warning: the simulator's request log overflowed (${dropped} lost); counts are low`);
  const failed = [...run.streams.values()].filter((p) => p.status !== "done");
  if (failed.length) ctx.log(`warning: streams not done: ${failed.map((p) => `${p.type}=${p.status}`).join(", ")}`);
  return { run, m, tc, counter, requests, phases };
}

/**
 * The fake store keeps no object data, so a full run is checked by numbers:
 * distinct objects the engine took in per type, and links written, against
 * the simulator's truth counts.
 */
async function fullCountsCheck(ctx: Ctx, run: EngineRun): Promise<Check> {
  const truth = await ctx.sim.counts(ctx.tenantId);
  const roles = await roleAssignmentCount(ctx.sim, ctx.tenantId);
  const got: Record<string, number> = {};
  for (const t of COUNTED_TYPES) got[t] = run.seen.get(t)?.objects ?? -1;
  got.memberships = run.streams.get("groups")?.counters.memberAdds ?? -1;
  got.roleAssignments = run.streams.get("directoryRoles")?.counters.memberAdds ?? -1;
  const what = "counts only (fake store): per type, distinct objects the engine took in = the directory's count; group and role links written = the directory's";
  return compareLicensed(what, run, got, { ...withSignIns(truth.counts), roleAssignments: roles });
}

/**
 * Kinds Graph refused for the tenant's licence (no Entra ID P1/P2 with
 * `--sign-ins off`): the service skips them, so the directory's count is not
 * what it holds. Left out of the counts check, and named in it.
 */
function unlicensed(run: EngineRun): string[] {
  return [...run.streams].filter(([, p]) => p.status === "skipped" && (p.error ?? "").startsWith("licence required")).map(([t]) => t);
}

/** compareCounts over the kinds the tenant's licence lets the service read. */
function compareLicensed(what: string, run: EngineRun, got: Record<string, number>, want: Record<string, number>): Check {
  const skip = unlicensed(run);
  for (const t of skip) {
    delete got[t];
    delete want[t];
  }
  return compareCounts(skip.length ? `${what} (skipped for the tenant's licence, not compared: ${skip.join(", ")})` : what, got, want);
}

/** signInActivity is a property of users (one row per user), which the truth counts do not list on its own. */
const withSignIns = (counts: Record<string, number>): Record<string, number> => ({ ...counts, signInActivity: counts.users ?? 0 });

type Applied = AppliedMutation;

function changesCheck(run: EngineRun, applied: readonly Applied[]): Check {
  const got: Record<string, number> = {};
  const want: Record<string, number> = {};
  for (const t of MUTATED) {
    const r = run.finish.records.find((x) => x.type === t);
    const e = expectedCounts(applied, t);
    got[`${t}.changed`] = r?.changed ?? -1;
    got[`${t}.deleted`] = r?.deleted ?? -1;
    want[`${t}.changed`] = e.changed;
    want[`${t}.deleted`] = e.deleted;
  }
  const links = run.finish.records.find((x) => x.type === "memberships");
  const e = expectedLinkCounts(applied);
  got["memberships.changed"] = links?.changed ?? -1;
  got["memberships.deleted"] = links?.deleted ?? -1;
  want["memberships.changed"] = e.changed;
  want["memberships.deleted"] = e.deleted;
  return compareCounts("", got, want);
}

function both(what: string, ...checks: Check[]): Check {
  return { ok: checks.every((c) => c.ok), what, problems: checks.flatMap((c) => c.problems).slice(0, 10) };
}

/** A measured full run; `setup` runs one only to fill the store (no latency, not reported). */
async function fullRun(ctx: Ctx, setup = false): Promise<{ report: RunReport; stores: SyncStores; prefix: string }> {
  const { sim, tenantId, job } = ctx;
  await sim.setFaults(tenantId, { latencyMs: setup ? 0 : job.latencyMs, latencyPerObjectMs: setup ? 0 : job.latencyPerObjectMs });
  const prefix = tablePrefix("full");
  const stores = syncStores(await ctx.backend.tables(prefix), tenantId);
  ctx.log(setup ? "setup full run (no latency): filling the store for the delta run" : "full: running");
  const { run, m, tc, counter, requests, phases } = await engineRun(ctx, stores, `bench-full-${randomUUID()}`);
  ctx.log(`full: ${m.wallSeconds.toFixed(1)} s; checking`);
  const check = ctx.backend.kind === "azurite" ? await compareStoreToTruth(sim, tenantId, stores) : await fullCountsCheck(ctx, run);
  const acc = account(requests, job.latencyMs, 0, job.latencyPerObjectMs);
  return {
    report: build("full", m, acc, tc, counter, pagesOf(run), check, { streamCalls: run.calls, phases, writeAmplification: amplification(tc, run) }),
    stores,
    prefix,
  };
}

async function deltaRun(ctx: Ctx, stores: SyncStores): Promise<RunReport> {
  const { sim, tenantId, job } = ctx;
  await sim.setFaults(tenantId, { latencyMs: job.latencyMs, latencyPerObjectMs: job.latencyPerObjectMs });
  const mutation = await sim.mutate(tenantId, job.seed + 1, job.mutationCount);
  const byKind: Record<string, number> = {};
  for (const a of mutation.applied) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  ctx.log(`delta: ${job.mutationCount} mutations (${mutation.applied.length} entries); running`);
  const { run, m, tc, counter, requests, phases } = await engineRun(ctx, stores, `bench-delta-${randomUUID()}`);
  const changes = changesCheck(run, mutation.applied);
  let check: Check;
  if (ctx.backend.kind === "azurite") {
    const eq = await compareStoreToTruth(sim, tenantId, stores);
    check = both(`${eq.what}; and changed/deleted of users, groups, devices and memberships as the mutations imply`, eq, changes);
  } else {
    // Totals the engine keeps (SyncState.total: the fake's key count after the full run, then ± this delta).
    const truth = await sim.counts(tenantId);
    const got: Record<string, number> = {};
    // signInActivity is read on full scans only (a list, not a delta): its total stays the full run's.
    for (const t of COUNTED_TYPES.filter((x) => x !== "signInActivity")) {
      const s = await stores.state.get(tenantId, t);
      // A per-parent link kind (applicationOwners) keeps its total as a link total.
      const kind = linkKindOf(t);
      got[t] = !s ? -1 : kind ? linkTotal(s, kind) : s.total;
    }
    const totals = compareLicensed(
      "counts only (fake store): per type, the engine's recorded total = the directory's count after the mutations; and changed/deleted of users, groups, devices and memberships as the mutations imply",
      run,
      got,
      { ...truth.counts },
    );
    check = both(totals.what, totals, changes);
  }
  const acc = account(requests, job.latencyMs, 0, job.latencyPerObjectMs);
  return build("delta", m, acc, tc, counter, pagesOf(run), check, {
    streamCalls: run.calls,
    phases,
    writeAmplification: amplification(tc, run),
    ...(ctx.backend.kind === "fake" ? { fakeStoreKeys: await ctx.backend.heldKeys() } : {}),
    changes: { mutations: job.mutationCount, entries: mutation.applied.length, byKind },
  });
}

async function faultsRun(ctx: Ctx): Promise<RunReport> {
  const { sim, tenantId, job } = ctx;
  const f = job.faults;
  await sim.setFaults(tenantId, { latencyMs: job.latencyMs, latencyPerObjectMs: job.latencyPerObjectMs, seed: f.seed, rate429: f.rate429, rate503: f.rate503, retryAfterSeconds: f.retryAfterSeconds });
  const stores = syncStores(await ctx.backend.tables(tablePrefix("faults")), tenantId);
  ctx.log(`faults: ${f.rate429 * 100}% 429, ${f.rate503 * 100}% 503, Retry-After ${f.retryAfterSeconds} s; running`);
  let out: Awaited<ReturnType<typeof engineRun>>;
  try {
    out = await engineRun(ctx, stores, `bench-faults-${randomUUID()}`);
  } finally {
    await sim.setFaults(tenantId, { latencyMs: job.latencyMs, latencyPerObjectMs: job.latencyPerObjectMs });
  }
  const { run, m, tc, counter, requests, phases } = out;
  const check = ctx.backend.kind === "azurite" ? await compareStoreToTruth(sim, tenantId, stores) : await fullCountsCheck(ctx, run);
  const acc = account(requests, job.latencyMs, f.retryAfterSeconds, job.latencyPerObjectMs);
  return build("faults", m, acc, tc, counter, pagesOf(run), check, { streamCalls: run.calls, phases, writeAmplification: amplification(tc, run) });
}

const MEMBERS_PATH = /^\/v1\.0\/groups\/[^/]+\/members$/;

async function naiveRun(ctx: Ctx): Promise<RunReport> {
  const { sim, tenantId, job, backend } = ctx;
  await sim.setFaults(tenantId, { latencyMs: job.latencyMs, latencyPerObjectMs: job.latencyPerObjectMs });
  const stores = syncStores(await backend.tables(tablePrefix("naive")), tenantId);
  await sim.clearRequests();
  await backend.reset();
  const { client, counter } = countedClient(ctx.credential, ctx.endpoints);
  const meter = new Meter();
  let atMembers: { m: Measured; tc: TableCounts } | undefined;
  ctx.log(`naive: running${job.naiveGroupStride > 1 ? ` (members of 1 group in ${job.naiveGroupStride})` : ""}`);
  meter.start();
  const r = await runNaive({
    client,
    stores,
    runId: `bench-naive-${randomUUID()}`,
    groupStride: job.naiveGroupStride,
    onPhase: async (p) => {
      // The counts come over HTTP (about a millisecond, inside the measured span).
      if (p === "members") atMembers = { m: meter.read(), tc: await backend.counts() };
    },
    log: ctx.log,
  });
  const m = meter.stop();
  const tc = await backend.counts();
  const { requests } = await sim.requests(tenantId);
  const measuredAcc = account(requests, job.latencyMs, 0, job.latencyPerObjectMs);
  const sampled = r.groupsSampled < r.groups;
  if (!sampled || !atMembers) {
    let check: Check;
    if (backend.kind === "azurite") check = await compareStoreToTruth(sim, tenantId, stores);
    else {
      const truth = await sim.counts(tenantId);
      const roles = await roleAssignmentCount(sim, tenantId);
      check = compareCounts(
        "counts only (fake store): per type, objects written = the directory's count; group and role links written = the directory's",
        { ...r.objects, memberships: r.memberLinks, roleAssignments: r.roleLinks },
        { ...truth.counts, roleAssignments: roles },
      );
    }
    return build("naive", m, measuredAcc, tc, counter, null, check);
  }
  // Extrapolation. The lists ran whole; the member phase ran for a stride sample of the groups.
  // Its time splits into the upserts (scaled by links: the directory's membership count over the
  // links sampled) and the rest, mostly the per-group requests (scaled by groups over sampled groups).
  const truth = await sim.counts(tenantId);
  const links = truth.counts.memberships ?? r.memberLinks;
  const byGroups = r.groups / r.groupsSampled;
  const byLinks = r.memberLinks > 0 ? links / r.memberLinks : byGroups;
  const before = atMembers;
  const memberWall = m.wallSeconds - before.m.wallSeconds;
  const writeShare = memberWall > 0 ? Math.min(1, r.memberWriteMs / 1000 / memberWall) : 0;
  const factor = (1 - writeShare) * byGroups + writeShare * byLinks;
  const memberRecords = requests.filter((x) => MEMBERS_PATH.test(x.path));
  const listRecords = requests.filter((x) => !MEMBERS_PATH.test(x.path));
  const listAcc = account(listRecords, job.latencyMs, 0, job.latencyPerObjectMs);
  // Chains by modelled latency (seconds): the member requests' own, scaled like their count.
  const chain = new Map<string, number>(listAcc.chains.map((c) => [c.resource, c.modelledSeconds]));
  const memberModelled = memberRecords.reduce((t, x) => t + (job.latencyMs + job.latencyPerObjectMs * (x.objects ?? 0)) / 1000, 0);
  chain.set("groups", (chain.get("groups") ?? 0) + memberModelled * byGroups);
  let longest = "";
  let longestN = 0;
  for (const [res, n] of chain) if (n > longestN) [longest, longestN] = [res, n];
  const wall = before.m.wallSeconds + memberWall * factor;
  const cpu = before.m.cpuSeconds + (m.cpuSeconds - before.m.cpuSeconds) * factor;
  // One upsert per entity: every object (written whole), every link, every role assignment.
  const ent = before.tc.entities + links;
  const tx = before.tc.transactions + links;
  const graphRequests = Math.round(listRecords.length + memberRecords.length * byGroups);
  const cp = longestN;
  const longestRequests = longest === "groups" ? (listAcc.chains.find((c) => c.resource === "groups")?.requests ?? 0) + memberRecords.length * byGroups : (listAcc.chains.find((c) => c.resource === longest)?.requests ?? 0);
  const byResource = { ...listAcc.byResource, groups: Math.round((listAcc.byResource.groups ?? 0) + memberRecords.length * byGroups) };
  const base = build("naive", m, measuredAcc, tc, counter, null, null);
  return {
    ...base,
    wallSeconds: round(wall),
    criticalPathSeconds: round(cp),
    ratioToLimit: round(wall / cp),
    graphRequests,
    tableTransactions: tx,
    entitiesWritten: ent,
    cpuSeconds: round(cpu, 2),
    ...cpuPer(cpu, ent, Math.round(listAcc.objects + memberRecords.reduce((t, x) => t + (x.objects ?? 0), 0) * byGroups)),
    groundTruthMatch: null,
    check: { what: "not checked: sampled run", problems: [] },
    graphRequestsByResource: byResource,
    criticalPath: { ...base.criticalPath, resource: longest, requests: Math.round(longestRequests) },
    table: { ...base.table, entitiesPerTransaction: tx ? round(ent / tx, 1) : 0 },
    sampled: {
      what: `object lists whole; members of ${r.groupsSampled} of ${r.groups} groups (1 in ${job.naiveGroupStride}, in list order); member phase scaled: requests × ${round(byGroups, 3)} (groups), upserts × ${round(byLinks, 3)} (links), time × ${round(factor, 3)}`,
      factor: round(factor, 3),
      measured: {
        wallSeconds: round(m.wallSeconds),
        graphRequests: measuredAcc.total,
        tableTransactions: tc.transactions,
        entitiesWritten: tc.entities,
        cpuSeconds: round(m.cpuSeconds, 2),
        criticalPathSeconds: round(measuredAcc.criticalPathSeconds),
      },
    },
  };
}

/** The runs of a job, in the order full → delta → faults → naive; reported as full, naive, delta, faults. */
export async function runSuite(job: Job, log: (m: string) => void): Promise<WorkerResult> {
  const endpoints = simEndpoints(job.authorityHost, job.graphBaseUrl);
  const credential = appCredential(job.app, endpoints);
  // The token comes once, before any timing (the service caches it too).
  await credential.getToken(graphScope(endpoints));
  if (job.store === "azurite" && !job.tableConnectionString) throw new Error("the azurite store needs a connection string");
  if (job.store === "fake" && !job.tableServerUrl) throw new Error("the fake store needs the table server's URL");
  const backend = job.store === "azurite" ? azuriteBackend(job.tableConnectionString ?? "") : await fakeBackend(job.tableServerUrl ?? "", job.indexObjects, job.tableLatencyMs);
  const ctx: Ctx = { job, sim: new SimApi(job.graphBaseUrl), tenantId: job.app.tenantId, credential, endpoints, backend, log };
  // The fake store's full run keeps a row count, not keys, so an object Graph
  // repeats on a later page would count twice: with it the simulator repeats
  // nothing (every other strict behaviour stays on). Azurite runs fully strict.
  if (backend.kind === "fake") await ctx.sim.send("PUT", `/_sim/${ctx.tenantId}/behaviours`, { repeats: false });
  const out = new Map<string, RunReport>();
  const wants = (n: RunReport["name"]) => job.runs.includes(n);
  let base: Awaited<ReturnType<typeof fullRun>> | undefined;
  const setupOnly = !wants("full");
  if (wants("full")) {
    base = await fullRun(ctx);
    // Azurite holds every row, so the full run's store answers queries; the fake keeps data only in the delta run's index mode.
    const queryLatency = backend.kind === "azurite" ? await queryLatencies(ctx.sim, ctx.tenantId, base.stores) : undefined;
    out.set("full", queryLatency ? { ...base.report, queryLatency } : base.report);
  }
  if (wants("delta")) {
    if (!base && job.continueFrom && backend.kind === "azurite") {
      // Azurite keeps the full run's store (in the launcher): continue it.
      const stores = syncStores(await backend.tables(job.continueFrom), ctx.tenantId);
      const delta = await deltaRun(ctx, stores);
      out.set("delta", { ...delta, queryLatency: await queryLatencies(ctx.sim, ctx.tenantId, stores) });
    } else {
      // The fake store lives in this process: without a measured full run here, a setup one fills it first.
      const setup = !base;
      base ??= await fullRun(ctx, true);
      const run = await deltaRun(ctx, base.stores);
      const delta = { ...run, queryLatency: await queryLatencies(ctx.sim, ctx.tenantId, base.stores) };
      out.set("delta", setup ? { ...delta, notes: [...(delta.notes ?? []), `after a setup full run in the same process (without Graph latency, ${base.report.wallSeconds} s; not reported as "full")`] } : delta);
    }
  }
  if (wants("faults")) out.set("faults", await faultsRun(ctx));
  if (wants("naive")) out.set("naive", await naiveRun(ctx));
  const runs = (["full", "naive", "delta", "faults"] as const).filter((n) => wants(n) && out.has(n)).map((n) => out.get(n)!);
  return { runs, maxRssMb: round(process.resourceUsage().maxRSS / 1024, 1), ...(base && !setupOnly ? { fullTablePrefix: base.prefix } : {}) };
}
