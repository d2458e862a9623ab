import type { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, describe, expect, inject, it } from "vitest";
import { resolveEndpoints } from "../../../src/config/clouds.js";
import { createGraphClient } from "../../../src/graph/client.js";
import { customerCredential } from "../../../src/graph/credential.js";
import { createSimTenant, simGet, simPost, type CreatedTenant } from "../../../test/support/sim.js";

const sim = inject("sim");
const endpoints = resolveEndpoints("global", undefined, { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl });

function clientFor(t: { tenantId: string; clientId: string; clientSecret: string }): Client {
  return createGraphClient(customerCredential(t, endpoints), endpoints);
}
const clientOf = (t: CreatedTenant) => clientFor({ tenantId: t.tenantId, clientId: t.apps[0]!.clientId, clientSecret: t.apps[0]!.clientSecrets[0]! });

interface Page<T> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

/** Follows nextLinks to the deltaLink; returns every item in order and the deltaLink. */
async function drain<T>(client: Client, first: string, select?: string): Promise<{ items: T[]; deltaLink: string; pages: number }> {
  let req = client.api(first);
  if (select) req = req.select(select);
  let page = (await req.get()) as Page<T>;
  const items: T[] = [];
  let pages = 1;
  for (;;) {
    items.push(...page.value);
    if (!page["@odata.nextLink"]) break;
    page = (await client.api(page["@odata.nextLink"]).get()) as Page<T>;
    pages++;
  }
  expect(page["@odata.deltaLink"]).toBeTruthy();
  return { items, deltaLink: page["@odata.deltaLink"]!, pages };
}

interface Applied {
  type: string;
  id: string;
  kind: string;
}

describe("simulated Graph through the real Graph client", () => {
  afterAll(async () => {
    await simPost("/_sim/faults", {}, "PUT");
  });

  it("pages the demo tenant's /users/delta to exactly counts.users, each user once", async () => {
    const demo = sim.tenants[0]!;
    const { items, pages } = await drain<{ id: string }>(clientFor(demo), "/users/delta", "id,displayName,mail");
    expect(pages).toBeGreaterThan(1);
    expect(new Set(items.map((u) => u.id)).size).toBe(demo.counts.users);
    // One user comes again on a later page: Graph may repeat an object (concepts/delta-query-overview.md).
    expect(items).toHaveLength(demo.counts.users + 1);
  });

  it("returns exactly the mutated users on the deltaLink round, with @removed for deletions", async () => {
    const t = await createSimTenant({ spec: { users: 120, groups: 8 } });
    const client = clientOf(t);
    // Every property the mutations change is selected: a change to an unselected one would not bring the user back.
    const first = await drain<{ id: string }>(client, "/users/delta", "id,displayName,department,jobTitle,country,city,usageLocation");
    const mutation = (await simPost(`/_sim/${t.tenantId}/mutations`, { seed: 7, count: 60 })) as { applied: Applied[]; counts: { users: number } };
    const users = mutation.applied.filter((a) => a.type === "users");
    expect(users.length).toBeGreaterThan(0);

    const round = await drain<{ id: string; "@removed"?: { reason: string } }>(client, first.deltaLink);
    const got = new Map(round.items.map((u) => [u.id, u["@removed"]?.reason ?? "present"]));
    // The last mutation of an object decides how it shows up.
    const expected = new Map<string, string>();
    for (const a of users) expected.set(a.id, a.kind === "softDelete" ? "changed" : a.kind === "hardDelete" ? "deleted" : "present");
    expect([...expected.values()]).toContain("changed");
    expect(got).toEqual(expected);
    const after = await drain<{ id: string }>(client, "/users/delta", "id");
    expect(new Set(after.items.map((u) => u.id)).size).toBe(mutation.counts.users);
  });

  it("splits a 1,200-member group across pages, and the chunks merge to 1,200", async () => {
    const t = await createSimTenant({ spec: { users: 1300, groups: 6, largeGroupMembers: 1200 } });
    const { items } = await drain<{ id: string; "members@delta"?: Array<{ id: string }> }>(clientOf(t), "/groups/delta", "id,displayName,members");
    const merged = new Map<string, Set<string>>();
    const appearances = new Map<string, number>();
    for (const g of items) {
      appearances.set(g.id, (appearances.get(g.id) ?? 0) + 1);
      const set = merged.get(g.id) ?? new Set<string>();
      for (const m of g["members@delta"] ?? []) set.add(m.id);
      merged.set(g.id, set);
    }
    const largest = [...merged.entries()].sort((a, b) => b[1].size - a[1].size)[0]!;
    expect(largest[1].size).toBe(1200);
    expect(appearances.get(largest[0])).toBeGreaterThan(1);
    const truth = await simGet<{ counts: { memberships: number } }>(`/_sim/${t.tenantId}/truth`);
    expect([...merged.values()].reduce((n, s) => n + s.size, 0)).toBe(truth.counts.memberships);
  });

  it("is retried by the SDK after a 429's Retry-After, and the page still arrives whole", async () => {
    const t = await createSimTenant({ spec: { users: 400, groups: 4 } });
    await simPost(`/_sim/${t.tenantId}/faults`, { seed: 5, rate429: 0.5, retryAfterSeconds: 0.05 }, "PUT");
    // The tenant is new, so its requests in the shared log are this test's; the log is never cleared here,
    // as other test files read it at the same time.
    const { items } = await drain<{ id: string }>(clientOf(t), "/users/delta", "id");
    expect(new Set(items.map((u) => u.id)).size).toBe(400);
    const log = await simGet<{ requests: Array<{ status: number; fault: string | null }> }>(`/_sim/requests?tenantId=${t.tenantId}`);
    const throttled = log.requests.filter((r) => r.status === 429).length;
    expect(throttled).toBeGreaterThan(0);
    // Each 429 was followed by a retry of the same page that succeeded.
    expect(log.requests.filter((r) => r.status === 200).length).toBe(log.requests.length - throttled);
    await simPost(`/_sim/${t.tenantId}/faults`, {}, "PUT");
  });

  it("answers 403 Authorization_RequestDenied when the token lacks the permission", async () => {
    const limited = sim.tenants[2]!;
    await expect(clientFor(limited).api("/devices/delta").get()).rejects.toMatchObject({ statusCode: 403, code: "Authorization_RequestDenied" });
  });
});
