import { describe, expect, it } from "vitest";
import { createSimTenant, simGet, simPost } from "../support/sim.js";
import { expectedCounts, expectedLinkCounts, type AppliedLink } from "../support/mutations.js";
import { expectEqualToTruth, harness, syncOnce } from "../support/sync.js";


describe("sync engine: full and delta", () => {
  it("a full sync ends equal to the ground truth, every type and a 1,000+ member group included", async () => {
    const t = await createSimTenant({ spec: { users: 1100, groups: 40, largeGroupMembers: 1050, devices: 60, applications: 8, extraServicePrincipals: 6, managedIdentities: 3, administrativeUnits: 3 } });
    const h = await harness(t);
    const { finish, streams } = await syncOnce(h, { runId: "run-1", trigger: "manual" });
    expect(finish.status).toBe("succeeded");
    for (const p of streams.values()) expect(p.mode).toBe("full");
    expect(finish.fullScan).toBe(true);
    await expectEqualToTruth(h);
    const truth = await simGet<{ counts: Record<string, number> }>(`/_sim/${t.tenantId}/truth`);
    const byType = new Map(finish.records.map((r) => [r.type, r]));
    expect(byType.get("users")?.total).toBe(truth.counts.users);
    expect(byType.get("users")?.changed).toBe(truth.counts.users);
    expect(byType.get("memberships")?.total).toBe(truth.counts.memberships);
    expect(byType.get("devices")?.total).toBe(truth.counts.devices);
  });

  it("after mutations the delta sync ends equal, counts the changes exactly, and writes in proportion to them", async () => {
    const t = await createSimTenant({ spec: { users: 600, groups: 30, devices: 40 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1" });
    const mutation = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 11, count: 30 })) as { applied: AppliedLink[] };

    const { finish, streams } = await syncOnce(h, { runId: "run-2", trigger: "schedule" });
    expect(finish.status).toBe("succeeded");
    await expectEqualToTruth(h);

    for (const type of ["users", "groups", "devices"] as const) {
      const record = finish.records.find((r) => r.type === type)!;
      expect({ changed: record.changed, deleted: record.deleted }, type).toEqual(expectedCounts(mutation.applied, type));
      expect(streams.get(type)?.mode).toBe("delta");
    }
    const links = finish.records.find((r) => r.type === "memberships")!;
    expect({ changed: links.changed, deleted: links.deleted }, "memberships").toEqual(expectedLinkCounts(mutation.applied));
    const entities = [...streams.values()].reduce((n, p) => n + p.writes.entities, 0);
    // Objects, links and staging rows of 30 mutations: far below the tenant's ~1,000 rows.
    expect(entities).toBeLessThan(200);
  });

  it("rewrites nothing when nothing changed", async () => {
    const t = await createSimTenant({ spec: { users: 200, groups: 10 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1" });
    const { streams, finish } = await syncOnce(h, { runId: "run-2" });
    expect(finish.fullScan).toBe(false);
    const entities = [...streams.values()].filter((p) => p.mode === "delta").reduce((n, p) => n + p.writes.entities, 0);
    expect(entities).toBe(0);
    expect(finish.records.filter((r) => r.type !== "subscribedSkus").every((r) => r.changed === 0 && r.deleted === 0)).toBe(true);
    await expectEqualToTruth(h);
  });
});
