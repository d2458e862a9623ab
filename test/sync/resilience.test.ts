import { describe, expect, inject, it } from "vitest";
import { resourceOf } from "../../src/graph/resources/index.js";
import type { PageSource } from "../../src/sync/graph-source.js";
import { scopeHash, everything } from "../../src/domain/filters.js";
import { runStream } from "../../src/sync/stream.js";
import { createSimTenant, simPost } from "../support/sim.js";
import { expectEqualToTruth, harness, syncOnce } from "../support/sync.js";

describe("sync engine: expired tokens, faults and crashes", () => {
  it.each(["expire", "reset"] as const)("after a delta token %s, runs a full resync that ends equal and sweeps the deleted", async (action) => {
    const t = await createSimTenant({ spec: { users: 300, groups: 12, devices: 20 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1" });
    const mutation = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 5, count: 25 })) as { applied: Array<{ type: string; kind: string; id: string }> };
    await simPost(`/_sim/${t.tenantId}/delta-tokens`, { action });
    const { streams, finish } = await syncOnce(h, { runId: "run-2" });
    expect(streams.get("users")?.mode).toBe("full");
    await expectEqualToTruth(h);
    // The last mutation of each user decides: a soft delete may be followed by a restore.
    const last = new Map<string, string>();
    for (const a of mutation.applied) if (a.type === "users") last.set(a.id, last.has(a.id) && a.kind !== "restore" && last.get(a.id) === "add" ? "add" : a.kind);
    const swept = [...last.values()].filter((k) => k === "softDelete" || k === "hardDelete").length;
    expect(finish.records.find((r) => r.type === "users")?.deleted).toBe(swept);
  });

  it("ends equal under 10% 429s, 2% 503s and 1% dropped connections, over five seeds", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const t = await createSimTenant({ spec: { users: 250, groups: 10, devices: 15, seed: 100 + seed } });
      const h = await harness(t);
      await simPost(`/_sim/${t.tenantId}/faults`, { seed, rate429: 0.1, rate503: 0.02, rateDrop: 0.01, retryAfterSeconds: 0.01 }, "PUT");
      await syncOnce(h, { runId: `s${seed}-1` });
      await expectEqualToTruth(h);
      await simPost(`/_sim/${t.tenantId}/mutations`, { seed, count: 20 });
      await syncOnce(h, { runId: `s${seed}-2` });
      await expectEqualToTruth(h);
      await simPost(`/_sim/${t.tenantId}/faults`, {}, "PUT");
    }
    // Ten syncs of every kind (17 streams each) under injected faults: about a minute on a quiet 2-core machine.
  }, 240_000);

  it.each([1, 2])("a stream killed after page %i resumes at its checkpoint and ends equal, with exact counts", async (k) => {
    const t = await createSimTenant({ spec: { users: 1100, groups: 30, largeGroupMembers: 1050 } });
    const h = await harness(t);
    let served = 0;
    const dying: PageSource = {
      async page(url, select, options) {
        if (served++ >= k) throw new Error("process killed");
        return h.graph.page(url, select, options);
      },
    };
    for (const type of ["users", "groups"] as const) {
      served = 0;
      const input = { tenantId: t.tenantId, module: resourceOf(type), runId: "run-1", fullScan: false, scope: everything, scopeHash: scopeHash(null), budgetMs: 600_000 };
      // Killed mid-stream: a checkpoint has been saved only after some pages.
      await expect(runStream({ graph: dying, stores: h.stores }, input)).rejects.toThrow("process killed");
      expect(served).toBe(k + 1);
      const done = await runStream({ graph: h.graph, stores: h.stores }, input);
      expect(done.done).toBe(true);
      if (type === "users") expect(done.counters.added).toBe(t.counts.users);
    }
    const { finish } = await syncOnce(h, { runId: "run-1", types: ["users", "groups"] });
    expect(finish.records.find((r) => r.type === "memberships")?.total).toBe(t.counts.memberships);
    await expectEqualToTruth(h, ["users", "groups"]);
  });

  it("continues across many short calls when the time budget runs out, and ends equal", async () => {
    const t = await createSimTenant({ spec: { users: 700, groups: 20 } });
    const h = await harness(t);
    const { calls, finish } = await syncOnce(h, { runId: "run-1", types: ["users", "groups"], budgetMs: 0 });
    expect(calls).toBeGreaterThan(4);
    expect(finish.records.find((r) => r.type === "users")?.changed).toBe(t.counts.users);
    await expectEqualToTruth(h, ["users", "groups"]);
  });

  it("skips the types whose permission is missing, names it, and completes the rest", async () => {
    const limited = inject("sim").tenants[2]!;
    const h = await harness(limited);
    const { finish } = await syncOnce(h, { runId: "run-1" });
    const byType = new Map(finish.records.map((r) => [r.type, r]));
    expect(byType.get("devices")).toMatchObject({ status: "skipped", error: "missing permission Device.Read.All" });
    expect(byType.get("applications")).toMatchObject({ status: "skipped", error: "missing permission Application.Read.All" });
    for (const type of ["users", "groups", "directoryRoles", "subscribedSkus", "administrativeUnits"]) expect(byType.get(type)?.status, type).toBe("succeeded");
    await expectEqualToTruth(h, ["users", "groups", "directoryRoles", "subscribedSkus", "administrativeUnits"]);
  });
});
