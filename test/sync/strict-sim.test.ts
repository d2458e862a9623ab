import { describe, expect, it } from "vitest";
import type { SyncedType } from "../../src/domain/synced.js";
import { resourceOf } from "../../src/graph/resources/index.js";
import { createSimTenant, simGet, simPost } from "../support/sim.js";
import { expectEqualToTruth, harness, syncOnce } from "../support/sync.js";

interface Applied {
  readonly type: string;
  readonly kind: string;
  readonly id: string;
}

const SPEC = { users: 400, groups: 25, largeGroupMembers: 260, devices: 40, applications: 8, extraServicePrincipals: 6, managedIdentities: 3, administrativeUnits: 4 };

describe("sync engine against the strict simulator (partial objects, repeats, scattered chunks, empty pages)", () => {
  it("every type ends equal to the ground truth, property by property, after rounds of mutations of every type", async () => {
    const t = await createSimTenant({ spec: SPEC });
    const behaviours = await simGet<Record<string, boolean>>(`/_sim/${t.tenantId}/behaviours`);
    expect(Object.values(behaviours).every(Boolean)).toBe(true);
    const h = await harness(t);
    await syncOnce(h, { runId: "r0" });
    await expectEqualToTruth(h);
    const seen = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const m = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed, count: 60 })) as { applied: Applied[] };
      for (const a of m.applied) seen.add(`${a.type}:${a.kind}`);
      const { streams, finish } = await syncOnce(h, { runId: `r${seed}` });
      // List kinds (subscribedSkus, role definitions/assignments/eligibilities) have no delta in v1.0: a full list every run.
      for (const [type, p] of streams) if (resourceOf(type).mode === "delta") expect(p.mode, type).toBe("delta");
      expect(finish.status).toBe("succeeded");
      await expectEqualToTruth(h);
    }
    // The rounds changed every type that delta covers, and soft-deleted and restored some.
    for (const type of ["users", "groups", "devices", "applications", "servicePrincipals", "administrativeUnits"]) {
      expect([...seen].some((k) => k.startsWith(`${type}:update`)), type).toBe(true);
    }
    expect(seen.has("users:softDelete") && seen.has("users:restore")).toBe(true);
  });

  it("the lenient simulator (whole objects, no repeats) gives the same store", async () => {
    const t = await createSimTenant({ spec: SPEC });
    await simPost(`/_sim/${t.tenantId}/behaviours`, { partialObjects: false, membershipOnlyGroups: false, emptyPages: false, shuffle: false, repeats: false, scatterMemberChunks: false }, "PUT");
    const h = await harness(t);
    await syncOnce(h, { runId: "r0" });
    await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 9, count: 60 });
    await syncOnce(h, { runId: "r1" });
    await expectEqualToTruth(h);
  });

  it("a soft-deleted user's links are hidden, back on restore with no full scan; its counts follow", async () => {
    const t = await createSimTenant({ spec: { users: 120, groups: 8 } });
    const h = await harness(t);
    const types: SyncedType[] = ["users", "groups"];
    await syncOnce(h, { runId: "r0", types });
    const count = async () => (await simGet<{ counts: Record<string, number> }>(`/_sim/${t.tenantId}/truth`)).counts.memberships;
    // Mutation rounds until one soft-deletes a user and a later one restores it.
    let soft = 0;
    let restored = 0;
    for (let seed = 1; seed <= 40 && (soft === 0 || restored === 0); seed++) {
      const m = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed, count: 8 })) as { applied: Applied[] };
      soft += m.applied.filter((a) => a.type === "users" && a.kind === "softDelete").length;
      restored += m.applied.filter((a) => a.type === "users" && a.kind === "restore").length;
      const { streams, finish } = await syncOnce(h, { runId: `r${seed}`, types });
      expect(streams.get("users")?.mode).toBe("delta");
      await expectEqualToTruth(h, types);
      expect(finish.records.find((r) => r.type === "memberships")?.total).toBe(await count());
    }
    expect(soft).toBeGreaterThan(0);
    expect(restored).toBeGreaterThan(0);
  });

  it.each(["syncStateNotFound", "resyncRequired"] as const)("a %s nested in the innerError chain leads to a full resync that ends equal", async (kind) => {
    const t = await createSimTenant({ spec: { users: 150, groups: 8, devices: 10 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "r0", types: ["users", "devices"] });
    await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 3, count: 12 });
    await simPost(`/_sim/${t.tenantId}/faults`, { errors: [{ kind, resource: "users", depth: 3 }] }, "PUT");
    const { streams, finish } = await syncOnce(h, { runId: "r1", types: ["users", "devices"] });
    await simPost(`/_sim/${t.tenantId}/faults`, {}, "PUT");
    expect(streams.get("users")?.mode).toBe("full");
    expect(streams.get("devices")?.mode).toBe("delta");
    expect(finish.status).toBe("succeeded");
    await expectEqualToTruth(h, ["users", "devices"]);
  });

  it("a Conditional Access 403 fails that stream with its code, names no permission, and the others sync", async () => {
    const t = await createSimTenant({ spec: { users: 80, groups: 5, devices: 10 } });
    const h = await harness(t);
    await simPost(`/_sim/${t.tenantId}/faults`, { errors: [{ kind: "conditionalAccess", resource: "devices", times: 5 }] }, "PUT");
    const { finish } = await syncOnce(h, { runId: "r0", types: ["users", "devices"] });
    await simPost(`/_sim/${t.tenantId}/faults`, {}, "PUT");
    const devices = finish.records.find((r) => r.type === "devices");
    expect(devices?.status).toBe("failed");
    expect(devices?.error).toMatch(/^403 .*insufficient_claims/);
    expect(devices?.error).not.toContain("missing permission");
    expect(finish.records.find((r) => r.type === "users")?.status).toBe("succeeded");
    expect(finish.status).toBe("partial");
  });
});
