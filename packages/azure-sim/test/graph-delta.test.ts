import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberWriteBlock } from "../src/graph/groupRules.js";
import { distinct, drainDelta, objects, startHarness, type Harness } from "./graph-harness.js";

let h: Harness;
beforeAll(async () => {
  // Small caps so small tenants page like large ones.
  h = await startHarness({ deltaObjects: 50, deltaLinks: 120 });
});
afterAll(async () => {
  await h.close();
});

type Obj = Record<string, unknown>;
const SMALL = { users: 420, groups: 30, devices: 60, largeGroupMembers: 400, avgGroupMembers: 6, applications: 4, extraServicePrincipals: 3, managedIdentities: 1 };

describe("delta paging", () => {
  it("pages a users delta to the end: every user once, pages within the cap", async () => {
    const { tenant, auth } = h.tenant(SMALL);
    const round = await drainDelta(h, "/v1.0/users/delta", auth);
    const ids = objects(round).map((o) => o.id);
    // Every user, and one of them again on the last page (the strict default repeats one).
    expect(new Set(ids).size).toBe(tenant.directory.counts().users);
    expect(ids).toHaveLength(tenant.directory.counts().users + 1);
    expect(round.pages.at(-1)!.value).toHaveLength(1);
    // A leading empty page with a nextLink, the pages of objects, the repeat page.
    expect(round.pages[0]!.value).toEqual([]);
    expect(round.pages.length).toBe(Math.ceil(420 / 50) + 2);
    for (const p of round.pages) expect(p.value.length).toBeLessThanOrEqual(50);
    expect(round.pages.slice(0, -1).every((p) => typeof p["@odata.nextLink"] === "string" && !("@odata.deltaLink" in p))).toBe(true);
    expect(round.deltaLink.startsWith(`${h.baseUrl}/v1.0/users/delta?$deltatoken=`)).toBe(true);
  });

  it("carries $select in the token: later pages keep only the selected properties", async () => {
    const { auth } = h.tenant(SMALL);
    const round = await drainDelta(h, "/v1.0/users/delta?$select=displayName,department", auth);
    const all = objects(round);
    expect(new Set(all.map((o) => o.id)).size).toBe(420);
    for (const o of all) expect(Object.keys(o).sort()).toEqual(["department", "displayName", "id"]);
    expect(round.pages[1]!["@odata.nextLink"]).not.toContain("select");
  });

  it("splits the large group's members across pages; the chunks merge to its size", async () => {
    const { tenant, auth } = h.tenant(SMALL);
    const round = await drainDelta(h, "/v1.0/groups/delta?$select=displayName,members", auth);
    const merged = new Map<string, Set<string>>();
    const appearances = new Map<string, number>();
    for (const page of round.pages) {
      let links = 0;
      for (const g of page.value) {
        // A group without members carries no members@delta (concepts/delta-query-groups.md).
        const chunk = (g["members@delta"] as Obj[] | undefined) ?? [];
        if ("members@delta" in g) expect(chunk.length).toBeGreaterThan(0);
        links += chunk.length;
        const set = merged.get(g.id as string) ?? new Set<string>();
        for (const m of chunk) {
          expect(String(m["@odata.type"])).toMatch(/^#microsoft\.graph\.(user|group|device)$/);
          set.add(m.id as string);
        }
        merged.set(g.id as string, set);
        appearances.set(g.id as string, (appearances.get(g.id as string) ?? 0) + 1);
      }
      expect(links).toBeLessThanOrEqual(120);
    }
    const d = tenant.directory;
    expect(merged.size).toBe(d.counts().groups);
    let total = 0;
    for (const [id, set] of merged) {
      expect(set).toEqual(new Set([...d.membersOf(id)].map((m) => m.id)));
      total += set.size;
    }
    expect(total).toBe(d.counts().memberships);
    const large = [...merged].find(([, s]) => s.size === 400)!;
    expect(appearances.get(large[0])).toBeGreaterThanOrEqual(Math.ceil(400 / 120));
  });

  it("returns exactly the mutated objects after a deltaLink, with @removed reasons", async () => {
    const { tenant, auth } = h.tenant(SMALL);
    const first = await drainDelta(h, "/v1.0/users/delta?$select=displayName,department,jobTitle", auth);
    const res = await h.control("POST", `/_sim/${tenant.tenantId}/mutations`, { seed: 11, count: 120 });
    expect(res.status).toBe(200);
    const { applied } = (await res.json()) as { applied: Array<{ type: string; id: string; kind: string }> };
    // One user changed twice more: still one entry.
    const twice = [...tenant.directory.truth("users")][1]!;
    tenant.directory.update("users", twice.id, { department: "Legal" });
    tenant.directory.update("users", twice.id, { jobTitle: "Paralegal" });
    const userChanges = [...applied.filter((a) => a.type === "users"), { type: "users", id: twice.id, kind: "update" }];
    const lastKind = new Map(userChanges.map((a) => [a.id, a.kind]));

    // A change to a property not selected (country, city, usageLocation) does not bring the user back.
    const selected = ["displayName", "department", "jobTitle"];
    const changed = tenant.directory.changes("users", tokenSeq(first.deltaLink), tenant.directory.seq).props;
    for (const [id, kind] of lastKind) {
      const props = changed.get(id);
      if (kind === "update" && props !== "all" && props && !selected.some((p) => props.has(p))) lastKind.delete(id);
    }
    const second = await drainDelta(h, first.deltaLink, auth);
    const got = distinct(second);
    expect(got.map((o) => o.id).sort()).toEqual([...lastKind.keys()].sort());
    for (const o of got) {
      const kind = lastKind.get(o.id as string);
      if (kind === "softDelete") expect(o["@removed"]).toEqual({ reason: "changed" });
      else if (kind === "hardDelete") expect(o["@removed"]).toEqual({ reason: "deleted" });
      else expect(o).toEqual({ id: o.id, ...pickProps(tenant.directory.get("users", o.id as string)!, ["displayName", "department", "jobTitle"]) });
    }
    expect(got.find((o) => o.id === twice.id)).toMatchObject({ department: "Legal", jobTitle: "Paralegal" });

    // Nothing changed since: an empty round.
    const third = await drainDelta(h, second.deltaLink, auth);
    expect(objects(third)).toEqual([]);
  });

  it("reports member changes in groups delta rounds, removals as @removed", async () => {
    const { tenant, auth } = h.tenant(SMALL);
    const d = tenant.directory;
    const first = await drainDelta(h, "/v1.0/groups/delta?$select=displayName,members", auth);
    const group = [...d.truth("groups")].find((g) => memberWriteBlock(g) === null && [...d.membersOf(g.id)].length > 1)!;
    const gone = [...d.membersOf(group.id)][0]!;
    const members = new Set([...d.membersOf(group.id)].map((m) => m.id));
    const added = [...d.truth("users")].find((u) => !members.has(u.id))!;
    expect(d.removeMember(group.id, gone.id)).toBe(true);
    expect(d.addMember(group.id, added.id)).toBe(true);
    const round = await drainDelta(h, first.deltaLink, auth);
    const got = distinct(round);
    expect(got).toHaveLength(1);
    // Membership was the only change: id and members@delta alone (membershipOnlyGroups).
    expect(Object.keys(got[0]!).sort()).toEqual(["id", "members@delta"]);
    expect(got[0]!.id).toBe(group.id);
    expect(got[0]!["members@delta"]).toEqual([
      { "@odata.type": `#microsoft.graph.${gone.kind}`, id: gone.id, "@removed": { reason: "deleted" } },
      { "@odata.type": "#microsoft.graph.user", id: added.id },
    ]);
  });

  it("pages the members of a changed large group across pages too", async () => {
    const { tenant, auth } = h.tenant(SMALL);
    const d = tenant.directory;
    const first = await drainDelta(h, "/v1.0/groups/delta?$select=members", auth);
    const large = [...d.truth("groups")].find((g) => [...d.membersOf(g.id)].length === 400)!;
    const removed = [...d.membersOf(large.id)].slice(0, 300);
    for (const m of removed) d.removeMember(large.id, m.id);
    const round = await drainDelta(h, first.deltaLink, auth);
    // 300 removals in chunks of 120 on 3 pages, plus the leading empty page and the repeat page.
    expect(round.pages.length).toBe(5);
    const ids = objects(round).flatMap((g) => (g["members@delta"] as Obj[]).map((m) => m.id));
    expect(new Set(ids)).toEqual(new Set(removed.map((m) => m.id)));
  });

  it("$deltatoken=latest gives only a deltaLink; the next round holds later changes", async () => {
    const { tenant, auth } = h.tenant(SMALL);
    const res = await h.graph("/v1.0/devices/delta?$deltatoken=latest", auth);
    const page = (await res.json()) as Obj;
    expect(page.value).toEqual([]);
    expect(page["@odata.nextLink"]).toBeUndefined();
    const device = [...tenant.directory.truth("devices")][3]!;
    tenant.directory.update("devices", device.id, { isCompliant: false });
    const round = await drainDelta(h, page["@odata.deltaLink"] as string, auth);
    expect(distinct(round).map((o) => o.id)).toEqual([device.id]);
    // Devices carry only what changed (concepts/delta-query-overview.md).
    expect(distinct(round)[0]).toEqual({ id: device.id, isCompliant: false });
  });

  it("shows an app whose secrets changed in the next applications round", async () => {
    const { tenant, auth } = h.tenant(SMALL);
    const first = await drainDelta(h, "/v1.0/applications/delta?$select=displayName,passwordCredentials", auth);
    expect(distinct(first)).toHaveLength(5);
    const app = [...tenant.apps.values()][0]!;
    const res = await h.control("POST", `/_sim/${tenant.tenantId}/apps/${app.clientId}/secrets`, { daysValid: 10 });
    expect(res.status).toBe(201);
    const round = await drainDelta(h, first.deltaLink, auth);
    const got = distinct(round);
    expect(got.map((o) => o.id)).toEqual([app.objectId]);
    expect(got[0]!.passwordCredentials).toHaveLength(2);
    // Only the changed property: applications carry partial objects (concepts/delta-query-overview.md).
    expect(Object.keys(got[0]!).sort()).toEqual(["id", "passwordCredentials"]);
  });

  it("supports directoryRoles delta with members", async () => {
    const { tenant, auth } = h.tenant(SMALL);
    const round = await drainDelta(h, "/v1.0/directoryRoles/delta", auth);
    const roles = distinct(round);
    expect(roles).toHaveLength(tenant.directory.counts().directoryRoles);
    for (const r of roles) {
      expect((r["members@delta"] as Obj[]).map((m) => m.id)).toEqual([...tenant.directory.roleMembersOf(r.id as string)].map((m) => m.id));
    }
  });
});

describe("delta tokens", () => {
  it("answers expired tokens with 400 syncStateNotFound and reset ones with 410 resyncRequired", async () => {
    const { tenant, auth } = h.tenant({ ...SMALL, users: 120 });
    const round = await drainDelta(h, "/v1.0/users/delta", auth);
    const midRound = (await (await h.graph("/v1.0/users/delta", auth)).json()) as Obj;
    expect(typeof midRound["@odata.nextLink"]).toBe("string");

    expect((await h.control("POST", `/_sim/${tenant.tenantId}/delta-tokens`, { action: "expire" })).status).toBe(200);
    for (const link of [round.deltaLink, midRound["@odata.nextLink"] as string]) {
      const res = await h.graph(link, auth);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("syncStateNotFound");
    }

    const fresh = await drainDelta(h, "/v1.0/users/delta", auth);
    expect((await h.control("POST", `/_sim/${tenant.tenantId}/delta-tokens`, { action: "reset" })).status).toBe(200);
    const res = await h.graph(fresh.deltaLink, auth);
    expect(res.status).toBe(410);
    const body = (await res.json()) as { error: { code: string; innerError: Obj } };
    expect(body.error.code).toBe("resyncRequired");
    expect(body.error.innerError["request-id"]).toEqual(expect.any(String));
    expect(res.headers.get("location")).toBe(`${h.baseUrl}/v1.0/users/delta?$deltatoken=`);
    // The Location starts a full round again.
    const again = await drainDelta(h, res.headers.get("location")!, auth);
    expect(distinct(again)).toHaveLength(120);
    // Older tokens keep the answer of the first invalidation after them.
    expect((await h.graph(round.deltaLink, auth)).status).toBe(400);
  });

  it("expires tokens older than 7 days of the sim clock", async () => {
    const { auth } = h.tenant({ ...SMALL, users: 20 });
    const round = await drainDelta(h, "/v1.0/users/delta", auth);
    h.clockOffset = 6 * 86_400_000;
    expect((await h.graph(round.deltaLink, auth)).status).toBe(200);
    h.clockOffset = 8 * 86_400_000;
    try {
      const res = await h.graph(round.deltaLink, auth);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("syncStateNotFound");
    } finally {
      h.clockOffset = 0;
    }
  });

  it("rejects a token of another tenant or resource", async () => {
    const a = h.tenant({ ...SMALL, users: 20 });
    const b = h.tenant({ ...SMALL, users: 20 });
    const round = await drainDelta(h, "/v1.0/users/delta", a.auth);
    expect((await h.graph(round.deltaLink, b.auth)).status).toBe(400);
    const token = new URL(round.deltaLink).searchParams.get("$deltatoken")!;
    expect((await h.graph(`/v1.0/groups/delta?$deltatoken=${token}`, a.auth)).status).toBe(400);
    expect((await h.graph(`/v1.0/users/delta?$deltatoken=garbage`, a.auth)).status).toBe(400);
  });
});

/** The change-log position a deltaLink's round starts after (the simulator's own token format). */
function tokenSeq(deltaLink: string): number {
  const raw = new URL(deltaLink).searchParams.get("$deltatoken")!;
  return (JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { seq: number }).seq;
}

function pickProps(o: Obj, props: string[]): Obj {
  return Object.fromEntries(props.map((p) => [p, o[p] ?? null]));
}
