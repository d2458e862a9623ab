import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInActivity } from "../../packages/azure-sim/src/graph/extras/build.js";
import { textOf } from "../../src/domain/text.js";
import type { Json } from "../../src/domain/graph-object.js";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant, simGet, simPost, type CreatedTenant } from "../support/sim.js";

type Audit = Record<string, Json> & { id: string; activityDateTime: string; category: string; activityDisplayName: string };
type Page<T> = { items: T[]; continuationToken?: string };
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();
const newestFirst = (a: Audit, b: Audit) => Date.parse(b.activityDateTime) - Date.parse(a.activityDateTime) || (a.id < b.id ? -1 : 1);

describe("GET /tenants/{id}/audits and the users' signInActivity", () => {
  const seed = 8_807;
  let api: TestApi;
  let sim: CreatedTenant;
  let truth: Audit[];

  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await api.call("GET", path, { token: api.reader });
    return { status: res.status, body: (await res.json()) as T };
  };

  /** Every page of a listing, following the continuation tokens. */
  const all = async (path: string): Promise<Audit[]> => {
    const out: Audit[] = [];
    let token: string | undefined;
    do {
      const sep = path.includes("?") ? "&" : "?";
      const { status, body } = await get<Page<Audit>>(`${path}${token ? `${sep}continuationToken=${encodeURIComponent(token)}` : ""}`);
      expect(status).toBe(200);
      out.push(...body.items);
      token = body.continuationToken;
    } while (token);
    return out;
  };

  beforeAll(async () => {
    api = await startApi();
    sim = await createSimTenant({ spec: { seed, users: 70, groups: 6 } });
    await simPost(`/_sim/${sim.tenantId}/mutations`, { seed: 2, count: 30 });
    const app = sim.apps[0]!;
    const added = await api.call("POST", "/tenants", { body: { tenant: sim.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() } } });
    expect(added.status).toBe(201);
    expect(((await added.json()) as { objectTypes: string[] }).objectTypes).toEqual(expect.arrayContaining(["signInActivity", "directoryAudits"]));
    expect((await api.call("POST", `/tenants/${sim.tenantId}/sync`)).status).toBe(202);
    expect((await api.durable.waitForCompletion(`sync-${sim.tenantId}`, 60_000)).runtimeStatus).toBe("Completed");
    truth = (await simGet<Audit[]>(`/_sim/${sim.tenantId}/truth/directoryAudits`)).sort(newestFirst);
    expect(truth.length).toBeGreaterThan(10);
  });
  afterAll(async () => api?.stop());

  it("serves the synced feed newest first, page by page, each entry once", async () => {
    expect(await all(`/tenants/${sim.tenantId}/audits?pageSize=7`)).toEqual(truth);
    const first = await get<Page<Audit>>(`/tenants/${sim.tenantId}/audits?pageSize=7`);
    expect(first.body.items).toHaveLength(7);
    expect(first.body.continuationToken).toBeDefined();
    // Browsing the type answers the same pages.
    expect(await all(`/tenants/${sim.tenantId}/objects/directoryAudits?pageSize=9`)).toEqual(truth);
  });

  it("filters by category, activity and since in the table", async () => {
    const category = truth[0]!.category;
    expect(await all(`/tenants/${sim.tenantId}/audits?category=${encodeURIComponent(category)}`)).toEqual(truth.filter((a) => a.category === category));
    const activity = truth[truth.length - 1]!.activityDisplayName;
    const byActivity = await all(`/tenants/${sim.tenantId}/audits?activity=${encodeURIComponent(activity)}&pageSize=3`);
    expect(byActivity).toEqual(truth.filter((a) => a.activityDisplayName === activity));
    expect(byActivity.length).toBeGreaterThan(0);
    const since = truth[Math.floor(truth.length / 2)]!.activityDateTime;
    const recent = await all(`/tenants/${sim.tenantId}/audits?since=${encodeURIComponent(since)}`);
    expect(recent).toEqual(truth.filter((a) => Date.parse(a.activityDateTime) >= Date.parse(since)));
    expect(recent.length).toBeLessThan(truth.length);
    expect(await all(`/tenants/${sim.tenantId}/audits?category=${encodeURIComponent(category)}&since=${encodeURIComponent(since)}`)).toEqual(
      truth.filter((a) => a.category === category && Date.parse(a.activityDateTime) >= Date.parse(since)),
    );
  });

  it.each([
    ["pageSize=0"],
    ["pageSize=1001"],
    ["pageSize=ten"],
    ["since=yesterday"],
    ["since=2026-12-01"],
    ["category="],
    ["activity=Add%0Auser"],
    ["continuationToken=not-a-token"],
    ["sort=asc"],
  ])("answers 400 with the error shape for ?%s", async (q) => {
    const { status, body } = await get<{ error: { code: string; message: string } }>(`/tenants/${sim.tenantId}/audits?${q}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe("ValidationError");
    expect(typeof body.error.message).toBe("string");
  });

  it("answers 404 for a tenant it does not know", async () => {
    const { status, body } = await get<{ error: { code: string } }>(`/tenants/00000000-0000-4000-8000-000000000001/audits`);
    expect(status).toBe(404);
    expect(body.error.code).toBe("NotFound");
  });

  it("users carry their signInActivity as Graph serves it; the history counts it on its own type", async () => {
    const { body } = await get<Page<Record<string, Json>>>(`/tenants/${sim.tenantId}/objects/users?pageSize=1000`);
    const users = await simGet<Array<{ id: string }>>(`/_sim/${sim.tenantId}/truth/users?select=id`);
    expect(body.items).toHaveLength(users.length);
    for (const u of body.items) expect(u.signInActivity, textOf(u.id)).toEqual(signInActivity(seed, textOf(u.id)));
    // Pages of 7 (range reads per bucket) and a name search (key reads) carry the same.
    const paged: Array<Record<string, Json>> = [];
    let token: string | undefined;
    do {
      const p = await get<Page<Record<string, Json>>>(`/tenants/${sim.tenantId}/objects/users?pageSize=7${token ? `&continuationToken=${encodeURIComponent(token)}` : ""}`);
      paged.push(...p.body.items);
      token = p.body.continuationToken;
    } while (token);
    expect(paged).toEqual(body.items);
    const name = textOf(body.items[3]!.displayName);
    const found = await get<Page<Record<string, Json>>>(`/tenants/${sim.tenantId}/objects/users?search=${encodeURIComponent(name.slice(0, 3))}`);
    expect(found.body.items.length).toBeGreaterThan(0);
    for (const u of found.body.items) expect(u.signInActivity, textOf(u.id)).toEqual(signInActivity(seed, textOf(u.id)));
    const history = await get<Page<{ type: string; status: string; changed: number }>>(`/tenants/${sim.tenantId}/history?pageSize=100`);
    expect(history.body.items.find((r) => r.type === "signInActivity")).toMatchObject({ status: "succeeded", changed: users.length });
    expect(history.body.items.find((r) => r.type === "directoryAudits")).toMatchObject({ status: "succeeded", changed: truth.length });
  });
});
