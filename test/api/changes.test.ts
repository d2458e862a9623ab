import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../src/feed/cursor.js";
import { lanesFor, typesKey } from "../../src/feed/read-feed.js";
import { timePrefix } from "../../src/store/change-feed-store.js";
import { startApi, type TestApi } from "../support/api.js";
import { expectedLinkChanges, type Applied } from "../support/mutations.js";
import { createSimTenant, simGet, simPost, type CreatedTenant } from "../support/sim.js";

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

interface Item {
  type: string;
  id: string;
  change: "added" | "updated" | "deleted";
  object?: Record<string, unknown>;
  parentId?: string;
  memberId?: string;
  at: string;
  runId: string;
}
interface Page {
  items: Item[];
  cursor: string;
}

async function addTenant(api: TestApi, sim: CreatedTenant, extra: Record<string, unknown>) {
  const app = sim.apps[0]!;
  const res = await api.call("POST", "/tenants", { body: { tenant: sim.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() }, ...extra } });
  expect(res.status).toBe(201);
}

async function sync(api: TestApi, id: string): Promise<void> {
  expect((await api.call("POST", `/tenants/${id}/sync`)).status).toBe(202);
  await api.durable.waitForCompletion(`sync-${id}`, 60_000);
}

async function page(api: TestApi, id: string, q: string): Promise<Page> {
  const res = await api.call("GET", `/tenants/${id}/changes?${q}`, { token: api.reader });
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

/** Reads pages of `size` until one comes back empty; every cursor differs from the one before. */
async function drain(api: TestApi, id: string, cursor: string, size: number, types = ""): Promise<{ items: Item[]; cursor: string; pages: number }> {
  const items: Item[] = [];
  let pages = 0;
  for (;;) {
    const p = await page(api, id, `cursor=${cursor}&pageSize=${size}${types ? `&types=${types}` : ""}`);
    expect(p.items.length).toBeLessThanOrEqual(size);
    if (p.items.length === 0) return { items, cursor: p.cursor, pages };
    expect(p.cursor).not.toBe(cursor);
    items.push(...p.items);
    cursor = p.cursor;
    pages++;
  }
}

/** Per object of `types`: the last mutation decides; one added and deleted in the batch was never seen (the simulator's expectedCounts, as ID sets). */
function expectedObjects(applied: readonly Applied[], types: readonly string[]): { changed: Set<string>; deleted: Set<string> } {
  const first = new Map<string, string>();
  const last = new Map<string, string>();
  const edited = new Set<string>();
  for (const a of applied) {
    if (!types.includes(a.type)) continue;
    const k = `${a.type}|${a.id}`;
    if (!first.has(k)) first.set(k, a.kind);
    last.set(k, a.kind);
    if (a.kind === "add" || a.kind === "update") edited.add(k);
  }
  const changed = new Set<string>();
  const deleted = new Set<string>();
  for (const [k, kind] of last) {
    if (kind === "softDelete" || kind === "hardDelete") {
      if (first.get(k) !== "add") deleted.add(k);
    } else if (kind === "add" || kind === "update") changed.add(k);
    else if (kind === "restore" && (first.get(k) !== "softDelete" || edited.has(k))) changed.add(k);
  }
  return { changed, deleted };
}

/** The feed's entries after a delta run are exactly the batch's effect on users, groups and memberships. */
function expectExactly(items: readonly Item[], applied: readonly Applied[]): void {
  const objects = items.filter((i) => i.type === "users" || i.type === "groups");
  const links = items.filter((i) => i.type === "memberships");
  expect(objects.length + links.length).toBe(items.length);
  const want = expectedObjects(applied, ["users", "groups"]);
  const key = (i: Item) => `${i.type}|${i.id}`;
  // No repeat: one entry per object and per link in one delta round.
  expect(new Set(objects.map(key)).size).toBe(objects.length);
  expect(new Set(links.map((i) => i.id)).size).toBe(links.length);
  expect(new Set(objects.filter((i) => i.change !== "deleted").map(key))).toEqual(want.changed);
  expect(new Set(objects.filter((i) => i.change === "deleted").map(key))).toEqual(want.deleted);
  for (const i of objects) if (i.change !== "deleted") expect(i.object?.id).toBe(i.id);
  const m = expectedLinkChanges(applied, "memberships");
  // A group deleted for good takes its links with it, and the feed says so; other links are as the batch left them.
  const own = links.filter((l) => !(l.change === "deleted" && m.deletedGroups.has(l.parentId ?? "")));
  expect(new Set(own.filter((l) => l.change === "added").map((l) => l.id))).toEqual(m.added);
  expect(new Set(own.filter((l) => l.change === "deleted").map((l) => l.id))).toEqual(m.removed);
  for (const l of links) expect(l.id).toBe(`${l.parentId}|${l.memberId}`);
}

describe("GET /tenants/{id}/changes", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api.stop());

  it("after a delta run lists exactly the mutations applied, resumes without loss or repeat across pages and runs, and answers 410 past the retention", async () => {
    const sim = await createSimTenant({ spec: { users: 80, groups: 8 } });
    const id = sim.tenantId;
    await addTenant(api, sim, { objectTypes: ["users", "groups"] });
    await sync(api, id);
    const types = "users,groups,memberships";
    const now = await page(api, id, `types=${types}`);
    expect(now.items).toEqual([]);
    // The first sync's entries are before "now": none comes back.
    expect((await page(api, id, `cursor=${now.cursor}&types=${types}`)).items).toEqual([]);

    const first = (await simPost(`/_sim/${id}/mutations`, { seed: 31, count: 40 })) as { applied: Applied[] };
    await sync(api, id);
    const one = await drain(api, id, now.cursor, 7, types);
    expect(one.pages).toBeGreaterThan(1);
    expectExactly(one.items, first.applied);
    expect(new Set(one.items.map((i) => i.runId)).size).toBe(1);
    // In the order applied: times never go back.
    for (let i = 1; i < one.items.length; i++) expect(one.items[i]!.at >= one.items[i - 1]!.at).toBe(true);

    const second = (await simPost(`/_sim/${id}/mutations`, { seed: 32, count: 30 })) as { applied: Applied[] };
    await sync(api, id);
    const two = await drain(api, id, one.cursor, 5, types);
    expectExactly(two.items, second.applied);
    expect(two.items.some((i) => i.runId === one.items[0]!.runId)).toBe(false);

    // The cursor reads only the types it was issued for.
    const other = await api.call("GET", `/tenants/${id}/changes?cursor=${two.cursor}`, { token: api.reader });
    expect(other.status).toBe(400);
    const bad = await api.call("GET", `/tenants/${id}/changes?types=nonsense`, { token: api.reader });
    expect(bad.status).toBe(400);
    expect((await api.call("GET", `/tenants/${id}/changes?cursor=garbage`, { token: api.reader })).status).toBe(400);

    // A consumer that last read eight days ago (retention 7): its unread entries may be pruned.
    const old = encodeCursor({ types: typesKey(types.split(",")), at: Object.fromEntries(lanesFor(types.split(",")).map((l) => [l, timePrefix(Date.now() - 8 * 86_400_000)])) });
    const gone = await api.call("GET", `/tenants/${id}/changes?cursor=${old}&types=${types}`, { token: api.reader });
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe("resyncRequired");
    // Six days is within it.
    const recent = encodeCursor({ types: typesKey(types.split(",")), at: Object.fromEntries(lanesFor(types.split(",")).map((l) => [l, timePrefix(Date.now() - 6 * 86_400_000)])) });
    expect((await api.call("GET", `/tenants/${id}/changes?cursor=${recent}&types=${types}`, { token: api.reader })).status).toBe(200);
  });

  it("lists held deletions only once approved, never when rejected, and nothing for a preview", async () => {
    const held = async (sim: CreatedTenant) => {
      await addTenant(api, sim, { objectTypes: ["users"], deletionThreshold: { count: 3 } });
      await sync(api, sim.tenantId);
      const users = await simGet<Array<{ id: string; accountEnabled: boolean }>>(`/_sim/${sim.tenantId}/truth/users?select=id,accountEnabled`);
      const cursor = (await page(api, sim.tenantId, "")).cursor;
      await api.call("PATCH", `/tenants/${sim.tenantId}`, { body: { filters: { users: { attributes: [{ attribute: "accountEnabled", op: "equals", value: false }] } } } });
      await sync(api, sim.tenantId);
      const status = (await (await api.call("GET", `/tenants/${sim.tenantId}/sync`, { token: api.reader })).json()) as { status: string };
      expect(status.status).toBe("held");
      const whileHeld = await drain(api, sim.tenantId, cursor, 50);
      // The held users are not deleted yet (their manager links, swept by the full scan, are: that is not held).
      expect(whileHeld.items.filter((i) => i.type === "users" && i.change === "deleted")).toEqual([]);
      return { cursor: whileHeld.cursor, enabled: users.filter((u) => u.accountEnabled).map((u) => u.id) };
    };

    const a = await createSimTenant({ spec: { users: 40, groups: 2 } });
    const ha = await held(a);
    expect((await api.call("POST", `/tenants/${a.tenantId}/deletions/approve`)).status).toBe(200);
    const approved = await drain(api, a.tenantId, ha.cursor, 50);
    expect(approved.items.every((i) => i.type === "users" && i.change === "deleted")).toBe(true);
    expect(approved.items.map((i) => i.id).sort()).toEqual([...ha.enabled].sort());

    const b = await createSimTenant({ spec: { users: 30, groups: 2 } });
    const hb = await held(b);
    expect((await api.call("POST", `/tenants/${b.tenantId}/deletions/reject`)).status).toBe(200);
    expect((await drain(api, b.tenantId, hb.cursor, 50)).items).toEqual([]);
    const afterReject = await page(api, b.tenantId, "");

    // A preview (the tenant off) writes objects to the previews table and nothing to the feed.
    await api.call("PATCH", `/tenants/${b.tenantId}`, { body: { enabled: false, filters: {} } });
    expect((await api.call("POST", `/tenants/${b.tenantId}/preview`)).status).toBe(202);
    await api.durable.waitForCompletion(`sync-${b.tenantId}`, 60_000);
    expect((await drain(api, b.tenantId, afterReject.cursor, 50)).items).toEqual([]);
  });
});
