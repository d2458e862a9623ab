import { describe, expect, it } from "vitest";
import { createSimTenant, simGet } from "../support/sim.js";
import { expectEqualToTruth, harness, syncOnce } from "../support/sync.js";

const ROLE_KINDS = ["roleDefinitions", "roleAssignments", "roleEligibilities"] as const;

describe("new kinds against the simulated Graph", () => {
  it("role definitions, role assignments (admin-unit scopes included) and eligibilities equal the ground truth", async () => {
    const t = await createSimTenant({ spec: { users: 120, groups: 6, administrativeUnits: 3 } });
    const h = await harness(t);
    const { finish } = await syncOnce(h, { runId: "run-1", types: ROLE_KINDS });
    expect(finish.status).toBe("succeeded");
    // Count and every selected property, object by object.
    await expectEqualToTruth(h, ROLE_KINDS);
    const scoped = (await simGet<Array<{ directoryScopeId: string }>>(`/_sim/${t.tenantId}/truth/roleAssignments?select=id,directoryScopeId`)).filter((a) => a.directoryScopeId !== "/");
    expect(scoped.length).toBeGreaterThan(0);
  });

  // administrativeunit-delta.md: with $select=members the units' delta carries members@delta.
  it("administrative-unit members equal the ground truth", async () => {
    const t = await createSimTenant({ spec: { users: 120, groups: 6, administrativeUnits: 3 } });
    const h = await harness(t);
    await syncOnce(h, { runId: "run-1", types: ["administrativeUnits"] });
    const truth = await simGet<Array<{ administrativeUnitId: string; memberId: string }>>(`/_sim/${t.tenantId}/truth/administrativeUnitMembers`);
    const got: string[] = [];
    for await (const l of h.stores.members.all("administrativeUnits")) got.push(`${l.containerId}|${l.memberId}`);
    expect(truth.length).toBeGreaterThan(0);
    expect(got.sort()).toEqual(truth.map((l) => `${l.administrativeUnitId}|${l.memberId}`).sort());
  });
});
