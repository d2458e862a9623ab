import { describe, expect, it } from "vitest";
import { READ_PERMISSIONS } from "../../packages/azure-sim/src/model.js";
import { defaultTypesFor, resourceOf } from "../../src/graph/resources/index.js";
import type { Json } from "../../src/domain/graph-object.js";
import { runFeedStream } from "../../src/sync/audit-feed.js";
import type { PageSource } from "../../src/sync/graph-source.js";
import { runSideStream } from "../../src/sync/run-side-stream.js";
import { createSimTenant, simGet, simPost } from "../support/sim.js";
import { fakeGraph, freshStores, GRAPH } from "./fake-graph.js";
import { harness, syncOnce, type Harness } from "../support/sync.js";

type Audit = Record<string, Json> & { id: string; activityDateTime: string };
const DAY = 86_400_000;
const SETTINGS = { retentionMs: 30 * DAY, overlapMs: 5 * 60_000 };

function counting(h: Harness): { h: Harness; urls: string[] } {
  const urls: string[] = [];
  const graph: PageSource = { page: (u, s, o) => (urls.push(u), h.graph.page(u, s, o)) };
  return { h: { ...h, graph }, urls };
}

async function stored(h: Harness): Promise<Audit[]> {
  const out: Audit[] = [];
  for await (const r of h.stores.audits.list(h.tenantId)) out.push(r.audit);
  return out;
}

const truthOf = (tenantId: string) => simGet<Audit[]>(`/_sim/${tenantId}/truth/directoryAudits`);

/** The filter of the round's first request, e.g. "activityDateTime ge 2026-…Z". */
const filterOf = (url: string): string | null => new URL(url, "https://graph.test").searchParams.get("$filter");

describe("directoryAudits feed against the simulated Graph", () => {
  it("stores the audit log as Graph serves it, newest first, and reads from the newest entry minus the overlap next time", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 5 } });
    const { h, urls } = counting(await harness(t));
    await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 3, count: 25 });
    const first = await syncOnce(h, { runId: "run-1", types: ["directoryAudits"] });
    const truth = await truthOf(t.tenantId);
    expect(truth.length).toBeGreaterThan(0);
    expect(first.streams.get("directoryAudits")).toMatchObject({ status: "done", counters: expect.objectContaining({ added: truth.length }) as unknown });
    // Entry by entry, every property; the store lists newest first as Graph does.
    const got = await stored(h);
    expect(got).toEqual([...truth].sort((a, b) => Date.parse(b.activityDateTime) - Date.parse(a.activityDateTime) || (a.id < b.id ? -1 : 1)));
    expect(first.finish.records.find((r) => r.type === "directoryAudits")).toMatchObject({ status: "succeeded", total: truth.length, changed: truth.length });
    // The first read goes back the whole retention.
    const since1 = Date.parse(filterOf(urls[0]!)!.replace("activityDateTime ge ", ""));
    expect(Math.abs(since1 - (Date.now() - 30 * DAY))).toBeLessThan(120_000);
    expect(new URL(urls[0]!, "https://graph.test").searchParams.get("$top")).toBe("999");

    const newest = Math.max(...truth.map((a) => Date.parse(a.activityDateTime)));
    const second = await syncOnce(h, { runId: "run-2", types: ["directoryAudits"] });
    expect(filterOf(urls[urls.length - 1]!)).toBe(`activityDateTime ge ${new Date(newest - 5 * 60_000).toISOString()}`);
    // Everything was within the overlap: read again, stored once, counted as no change.
    expect(second.streams.get("directoryAudits")?.counters).toMatchObject({ objects: truth.length, added: 0 });
    expect((await stored(h)).length).toBe(truth.length);
  });

  it("entries read again across the overlap are deduplicated by ID; new ones are added once", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 5 } });
    const h = await harness(t);
    await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 4, count: 15 });
    await syncOnce(h, { runId: "run-1", types: ["directoryAudits"] });
    const before = (await truthOf(t.tenantId)).length;
    await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 5, count: 15 });
    const truth = await truthOf(t.tenantId);
    const { streams } = await syncOnce(h, { runId: "run-2", types: ["directoryAudits"] });
    expect(streams.get("directoryAudits")?.counters).toMatchObject({ objects: truth.length, added: truth.length - before });
    const got = await stored(h);
    expect(new Set(got.map((a) => a.id)).size).toBe(got.length);
    expect(got.map((a) => a.id).sort()).toEqual(truth.map((a) => a.id).sort());
    expect((await h.stores.state.get(t.tenantId, "directoryAudits"))?.total).toBe(truth.length);
  });

  it("entries older than the retention are pruned, and not read again", async () => {
    const t = await createSimTenant({ spec: { users: 40, groups: 3 } });
    const { h, urls } = counting(await harness(t));
    await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 6, count: 10 });
    await syncOnce(h, { runId: "run-1", types: ["directoryAudits"] });
    const n = (await stored(h)).length;
    expect(n).toBeGreaterThan(0);
    // 31 days on: every entry is past the 30 days kept.
    const later = () => Date.now() + 31 * DAY;
    const p = await runFeedStream({ graph: h.graph, audits: h.stores.audits, state: h.stores.state, now: later }, { tenantId: t.tenantId, module: resourceOf("directoryAudits"), runId: "run-2", budgetMs: 60_000, ...SETTINGS });
    expect(p).toMatchObject({ status: "done", counters: expect.objectContaining({ added: 0, deleted: n }) as unknown });
    expect(await stored(h)).toEqual([]);
    expect((await h.stores.state.get(t.tenantId, "directoryAudits"))?.total).toBe(0);
    // The read started at the retention's start, past every entry.
    expect(Date.parse(filterOf(urls[urls.length - 1]!)!.replace("activityDateTime ge ", ""))).toBeGreaterThan(Date.now());
  });

  it("without AuditLog.Read.All the feed is skipped naming the permission, and the rest succeed", async () => {
    const t = await createSimTenant({ spec: { users: 40, groups: 3 }, grantedPermissions: READ_PERMISSIONS.filter((p) => p !== "AuditLog.Read.All") });
    const h = await harness(t);
    const { streams, finish } = await syncOnce(h, { runId: "run-1", types: ["users", "directoryAudits"] });
    expect(streams.get("directoryAudits")).toMatchObject({ status: "skipped", missingPermission: "AuditLog.Read.All" });
    expect(finish.records.find((r) => r.type === "directoryAudits")?.error).toContain("Insufficient privileges");
    expect(streams.get("users")?.status).toBe("done");
    expect(finish.status).toBe("succeeded");
  });

  it("is off by default in the China cloud, which does not offer it, and skipped without a request if chosen there", async () => {
    expect(defaultTypesFor("china")).not.toContain("directoryAudits");
    expect(defaultTypesFor("usgov")).toContain("directoryAudits");
    expect(defaultTypesFor("china")).toContain("signInActivity");
    const t = await createSimTenant({ spec: { users: 20, groups: 2 } });
    const { h, urls } = counting(await harness(t));
    const p = await runSideStream(
      { graph: h.graph, stores: h.stores, liveState: h.stores.state },
      { tenantId: t.tenantId, runId: "run-1", module: resourceOf("directoryAudits"), fullScan: false, mode: "live", cloud: "china", filters: undefined, budgetMs: 60_000, settings: { signInActivityIntervalMs: 0, directoryAudits: SETTINGS } },
    );
    expect(p).toMatchObject({ status: "skipped", error: "directoryAudits is not offered in the China (21Vianet) cloud" });
    expect(urls).toEqual([]);
  });
});

describe("directoryAudits feed: a pass cut short", () => {
  const entry = (id: string, at: string) => ({ id, category: "UserManagement", activityDisplayName: "Update user", activityDateTime: at, result: "success" });
  const PATH = "/v1.0/auditLogs/directoryAudits";

  // The cursor moves only at a pass's end: moved to the newest entry of a cut pass, the next run would skip what it had yet to read.
  it("moves the cursor only when a pass ends: a run that starts over a cut pass reads from the last whole pass", async () => {
    const { source, calls } = fakeGraph((url) => {
      if (url.pathname !== PATH) throw new Error(`unexpected ${url.pathname}`);
      if (url.searchParams.get("$skiptoken") === "2") return { value: [entry("a1", "2026-11-30T08:00:00Z")] };
      return { value: [entry("a3", "2026-11-30T10:00:00Z"), entry("a2", "2026-11-30T09:00:00Z")], "@odata.nextLink": `${GRAPH}${PATH}?$skiptoken=2` };
    });
    const stores = await freshStores("feed-1");
    const now = () => Date.parse("2026-12-01T00:00:00Z");
    const run = (runId: string, budgetMs: number) =>
      runFeedStream({ graph: source, audits: stores.audits, state: stores.state, now }, { tenantId: "feed-1", module: resourceOf("directoryAudits"), runId, budgetMs, ...SETTINGS });
    // Budget 0: the first page, then a continuation; the run is then abandoned.
    expect((await run("run-1", 0)).done).toBe(false);
    expect((await stores.state.get("feed-1", "directoryAudits"))?.newest ?? null).toBeNull();
    const p = await run("run-2", 60_000);
    expect(p).toMatchObject({ status: "done", counters: expect.objectContaining({ objects: 3, added: 1 }) as unknown });
    // run-2 started at the retention's start again, not at the cut pass's newest entry.
    expect(new URL(String(calls[calls.length - 2]?.url)).searchParams.get("$filter")).toBe(`activityDateTime ge ${new Date(now() - 30 * DAY).toISOString()}`);
    expect((await stores.state.get("feed-1", "directoryAudits"))?.newest).toBe("2026-11-30T10:00:00.000Z");
    const ids: string[] = [];
    for await (const r of stores.audits.list("feed-1")) ids.push(r.audit.id);
    expect(ids).toEqual(["a3", "a2", "a1"]);
  });
});
