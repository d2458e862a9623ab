import { describe, expect, it } from "vitest";
import { READ_PERMISSIONS } from "../../packages/azure-sim/src/model.js";
import { signInActivity } from "../../packages/azure-sim/src/graph/extras/build.js";
import type { Json } from "../../src/domain/graph-object.js";
import type { PageSource } from "../../src/sync/graph-source.js";
import { createSimTenant, simGet, simPost } from "../support/sim.js";
import { harness, syncOnce, type Harness } from "../support/sync.js";

/** The harness with every Graph request it makes recorded, with the `$select` the client adds. */
function counting(h: Harness): { h: Harness; urls: string[]; selects: Map<string, string> } {
  const urls: string[] = [];
  const selects = new Map<string, string>();
  const graph: PageSource = {
    page: (u, s, o) => {
      urls.push(u);
      if (s) selects.set(u, s.join(","));
      return h.graph.page(u, s, o);
    },
  };
  return { h: { ...h, graph }, urls, selects };
}

async function storedSignIns(h: Harness): Promise<Map<string, Json>> {
  const out = new Map<string, Json>();
  for await (const r of h.stores.objects.list("signInActivity")) out.set(r.id, r.data.signInActivity ?? null);
  return out;
}

async function userMeta(h: Harness): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const r of h.stores.objects.list("users")) out.set(r.id, `${r.hash}|${r.run}|${JSON.stringify(r.data)}`);
  return out;
}

/** Makes the last pass look `hours` old, as if the interval had passed. */
async function ageLastPass(h: Harness, hours: number): Promise<void> {
  const s = await h.stores.state.get(h.tenantId, "signInActivity");
  await h.stores.state.put(h.tenantId, "signInActivity", { ...s!, lastPassAt: new Date(Date.now() - hours * 3_600_000).toISOString() });
}

describe("signInActivity against the simulated Graph", () => {
  it("keeps every user's sign-ins as Graph serves them, in one page of 500 with $select=signInActivity", async () => {
    const seed = 7_301;
    const t = await createSimTenant({ spec: { seed, users: 140, groups: 4 } });
    const { h, urls, selects } = counting(await harness(t));
    const { streams, finish } = await syncOnce(h, { runId: "run-1", types: ["users", "signInActivity"] });
    expect(finish.status).toBe("succeeded");
    expect(streams.get("signInActivity")).toMatchObject({ status: "done", counters: expect.objectContaining({ added: 140, pages: 1 }) as unknown });
    const truth = await simGet<Array<{ id: string }>>(`/_sim/${t.tenantId}/truth/users?select=id`);
    const stored = await storedSignIns(h);
    expect(stored.size).toBe(truth.length);
    for (const u of truth) expect(stored.get(u.id), u.id).toEqual(signInActivity(seed, u.id));
    const first = urls.find((u) => u.startsWith("/users?"))!;
    expect(new URL(first, "https://graph.test").searchParams.get("$top")).toBe("500");
    expect(selects.get(first)).toBe("signInActivity");
    // The user rows carry no sign-in: their content is the users stream's alone.
    for await (const r of h.stores.objects.list("users")) expect(r.data.signInActivity).toBeUndefined();
  });

  it("resumes a pass cut by the time budget at its last page, 500 users a page", async () => {
    const seed = 7_302;
    const t = await createSimTenant({ spec: { seed, users: 1_050, groups: 3 } });
    const { h, urls } = counting(await harness(t));
    const { streams } = await syncOnce(h, { runId: "run-1", types: ["signInActivity"], budgetMs: 0 });
    expect(streams.get("signInActivity")).toMatchObject({ status: "done", counters: expect.objectContaining({ pages: 3, added: 1_050 }) as unknown });
    // One request a page: each continuation went on from the saved nextLink.
    expect(urls).toHaveLength(3);
    const stored = await storedSignIns(h);
    expect(stored.size).toBe(1_050);
    const truth = await simGet<Array<{ id: string }>>(`/_sim/${t.tenantId}/truth/users?select=id`);
    for (const u of truth.slice(0, 50)) expect(stored.get(u.id)).toEqual(signInActivity(seed, u.id));
  }, 90_000);

  it("a changed sign-in updates its own row only: no user change, user rows and content hashes untouched", async () => {
    const t = await createSimTenant({ spec: { users: 60, groups: 3 } });
    const base = await harness(t);
    await syncOnce(base, { runId: "run-1", types: ["users", "signInActivity"] });
    const before = await userMeta(base);
    // The stored sign-in of one user is older than Graph's now: the user signed in since.
    const [row] = await (async () => {
      const out = [];
      for await (const r of base.stores.objects.list("signInActivity")) if (r.data.signInActivity !== null) out.push(r);
      return out;
    })();
    const stale = { id: row!.id, signInActivity: { lastSignInDateTime: "2020-01-01T00:00:00Z" } };
    await base.stores.objects.table.upsertEntity(base.stores.objects.entity("signInActivity", row!.id, { name: row!.id, hash: "stale", run: "run-1", seq: 1, op: "a", call: "c", scan: "run-1", data: stale }), "Replace");
    await ageLastPass(base, 7);
    const { streams, finish } = await syncOnce(base, { runId: "run-2", types: ["users", "signInActivity"] });
    expect(streams.get("signInActivity")?.counters).toMatchObject({ added: 0, updated: 1 });
    expect(streams.get("users")?.counters).toMatchObject({ added: 0, updated: 0 });
    expect(finish.records.find((r) => r.type === "users")).toMatchObject({ changed: 0 });
    expect(await userMeta(base)).toEqual(before);
    expect((await storedSignIns(base)).get(row!.id)).toEqual(row!.data.signInActivity);
  });

  it("runs again only once the interval has passed; a deleted user's sign-ins go at the next pass", async () => {
    const t = await createSimTenant({ spec: { users: 50, groups: 3 } });
    const { h, urls } = counting(await harness(t));
    await syncOnce(h, { runId: "run-1", types: ["users", "signInActivity"] });
    const reads = () => urls.filter((u) => u.startsWith("/users?$top=500")).length;
    expect(reads()).toBe(1);
    const { streams } = await syncOnce(h, { runId: "run-2", types: ["users", "signInActivity"] });
    // Not due (6 hours by default): no request, the rows stand, the history counts no change.
    expect(reads()).toBe(1);
    expect(streams.get("signInActivity")).toMatchObject({ status: "done", counters: expect.objectContaining({ pages: 0, added: 0, updated: 0 }) as unknown });
    expect((await storedSignIns(h)).size).toBe(50);

    const gone = (await simGet<Array<{ id: string }>>(`/_sim/${t.tenantId}/truth/users?select=id`))[0]!.id;
    await simPost(`/_sim/${t.tenantId}/objects/users/${gone}`, {}, "DELETE");
    await ageLastPass(h, 7);
    const third = await syncOnce(h, { runId: "run-3", types: ["users", "signInActivity"] });
    expect(reads()).toBe(2);
    expect(third.streams.get("signInActivity")?.counters).toMatchObject({ deleted: 1 });
    const stored = await storedSignIns(h);
    expect(stored.size).toBe(49);
    expect(stored.has(gone)).toBe(false);
  });

  it("keeps only the sign-ins of users in the tenant's scope", async () => {
    const t = await createSimTenant({ spec: { users: 80, groups: 3 } });
    const h = await harness(t);
    const filters = { users: { attributes: [{ attribute: "userType" as const, op: "equals" as const, value: "Member" }] } };
    const { streams } = await syncOnce(h, { runId: "run-1", types: ["users", "signInActivity"], filters });
    const users = new Set<string>();
    for await (const r of h.stores.objects.list("users")) users.add(r.id);
    expect(users.size).toBeLessThan(80);
    expect([...(await storedSignIns(h)).keys()].sort()).toEqual([...users].sort());
    expect(streams.get("signInActivity")?.counters.filtered).toBe(80 - users.size);
  });

  it("without P1 or P2 it is skipped with Graph's own text, and the rest succeed", async () => {
    const t = await createSimTenant({ spec: { users: 40, groups: 3, licences: { p1: false, p2: false } } });
    const h = await harness(t);
    const { streams, finish } = await syncOnce(h, { runId: "run-1", types: ["users", "groups", "signInActivity"] });
    expect(streams.get("signInActivity")).toMatchObject({ status: "skipped", missingPermission: null });
    const record = finish.records.find((r) => r.type === "signInActivity");
    expect(record).toMatchObject({ status: "skipped" });
    // Graph's answer without the licence (MicrosoftDocs/azure-docs#77948).
    expect(record?.error).toContain("Neither tenant is B2C or tenant doesn't have premium license");
    expect(streams.get("users")?.status).toBe("done");
    expect(finish.status).toBe("succeeded");
    expect((await storedSignIns(h)).size).toBe(0);
  });

  it("without AuditLog.Read.All it is skipped naming the permission, with Graph's text", async () => {
    const t = await createSimTenant({ spec: { users: 40, groups: 3 }, grantedPermissions: READ_PERMISSIONS.filter((p) => p !== "AuditLog.Read.All") });
    const h = await harness(t);
    const { streams, finish } = await syncOnce(h, { runId: "run-1", types: ["users", "signInActivity"] });
    expect(streams.get("signInActivity")).toMatchObject({ status: "skipped", missingPermission: "AuditLog.Read.All" });
    expect(finish.records.find((r) => r.type === "signInActivity")?.error).toContain("Insufficient privileges to complete the operation.");
    expect(finish.status).toBe("succeeded");
  });
});
