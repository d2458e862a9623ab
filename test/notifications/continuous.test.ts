import { ClientSecretCredential } from "@azure/identity";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant, simGet, simPost, type CreatedTenant } from "../support/sim.js";

interface SimSub {
  id: string;
  resource: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  needsReauth: boolean;
}
interface SimSubs {
  value: SimSub[];
  counts: { created: number; renewed: number; reauthorized: number; deleted: number; delivered: number };
}
interface HistoryItem {
  runId: string;
  trigger: string;
  type: string;
  startTime: string;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const port = await freePort();
const notificationUrl = `http://127.0.0.1:${port}/api/notifications/graph`;
let api: TestApi;
let sim: CreatedTenant;
let tenantId: string;
let userIds: string[];

const subsAtSim = () => simGet<SimSubs>(`/_sim/${tenantId}/subscriptions`);
const history = async (): Promise<HistoryItem[]> => ((await (await api.call("GET", `/tenants/${tenantId}/history?pageSize=1000`)).json()) as { items: HistoryItem[] }).items;
const notificationRuns = async (since: number): Promise<Set<string>> =>
  new Set((await history()).filter((h) => h.trigger === "notification" && Date.parse(h.startTime) >= since).map((h) => h.runId));

/** Until the previous test's late and duplicate deliveries have been handled and no run goes on. */
async function settle(): Promise<void> {
  const idle = async () => {
    const s = (await (await api.call("GET", `/tenants/${tenantId}/sync`)).json()) as { status: string; notifications: { debounce: { phase: string } } };
    return s.status !== "running" && s.notifications.debounce.phase === "idle" ? true : undefined;
  };
  await until("an idle debouncer", idle, 60_000);
  await new Promise((r) => setTimeout(r, 4_000));
  await until("an idle debouncer", idle, 60_000);
}

beforeAll(async () => {
  api = await startApi({
    LOCAL_API_PORT: String(port),
    // Real timer lengths: the quiet period is what the burst test measures.
    LOCAL_TIMER_SCALE: "1",
    NOTIFICATION_URL: notificationUrl,
    NOTIFICATION_QUIET_SECONDS: "2",
    NOTIFICATION_MAX_DELAY_SECONDS: "30",
  });
  sim = await createSimTenant({ spec: { users: 120, groups: 5 } });
  const app = sim.apps[0]!;
  const res = await api.call("POST", "/tenants", {
    body: {
      tenant: sim.tenantId,
      cloud: "global",
      credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: new Date(Date.now() + 90 * 86_400_000).toISOString() },
      // The floor a week away, and no timer ticks in this test: only notifications start runs.
      schedule: { kind: "continuous", floorMinutes: 10_080 },
    },
  });
  expect(res.status).toBe(201);
  tenantId = sim.tenantId;
  const users = (await simGet<Array<{ id: string }>>(`/_sim/${tenantId}/truth/users?select=id`)).map((u) => u.id);
  userIds = users;
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

describe("continuous sync from Graph change notifications", () => {
  it("subscribes to users and groups with a clientState, a lifecycle URL and the directory maximum expiry", async () => {
    const subs = await subsAtSim();
    expect(subs.value.map((s) => s.resource).sort()).toEqual(["groups", "users"]);
    for (const s of subs.value) {
      expect(s.changeType).toBe("updated,deleted");
      expect(s.notificationUrl).toBe(notificationUrl);
      expect(s.lifecycleNotificationUrl).toContain(notificationUrl);
      expect(s.clientState?.length).toBeGreaterThanOrEqual(32);
      const minutes = (Date.parse(s.expirationDateTime) - Date.now()) / 60_000;
      expect(minutes).toBeGreaterThan(41_700);
      expect(minutes).toBeLessThanOrEqual(41_760);
    }
    expect(subs.value[0]!.clientState).not.toBe(subs.value[1]!.clientState);
    const t = (await (await api.call("GET", `/tenants/${tenantId}`)).json()) as { subscriptions: { wanted: boolean; items: Array<{ state: string; expiresAt: string; resource: string }> } };
    expect(t.subscriptions.wanted).toBe(true);
    expect(t.subscriptions.items.map((i) => i.state)).toEqual(["active", "active"]);
    // The clientState is a secret: never in an answer.
    expect(JSON.stringify(t)).not.toContain(subs.value[0]!.clientState!);
  });

  it("a mutation reaches the store within 30 s, with no Sync Now and no timer tick, and uses no Sync Now quota", async () => {
    const user = userIds[0]!;
    const started = Date.now();
    await simPost(`/_sim/${tenantId}/objects/users/${user}`, { jobTitle: "Continuously synced" }, "PATCH");
    const row = await until("the user's new job title in the store", async () => {
      const r = await api.services.objects(tenantId).get("users", user);
      return r?.data.jobTitle === "Continuously synced" ? r : undefined;
    }, 30_000);
    expect(row.data.jobTitle).toBe("Continuously synced");
    expect(Date.now() - started).toBeLessThan(30_000);
    const runs = await until("the run's history", async () => ((await notificationRuns(started)).size > 0 ? notificationRuns(started) : undefined), 10_000);
    expect(runs.size).toBeGreaterThanOrEqual(1);
    // Only the notified types ran.
    const types = new Set((await history()).filter((h) => runs.has(h.runId)).map((h) => h.type));
    expect(types.has("devices")).toBe(false);
    expect(await api.services.quota.used(tenantId)).toBe(0);
    const status = (await (await api.call("GET", `/tenants/${tenantId}/sync`)).json()) as { syncNowRemainingToday: number; notifications: { lastNotificationAt: string | null; accepted: number } };
    expect(status.syncNowRemainingToday).toBe(api.services.config.syncNowDailyLimit);
    expect(status.notifications.lastNotificationAt).not.toBeNull();
    expect(status.notifications.accepted).toBeGreaterThan(0);
  }, 45_000);

  it("a burst of 100 mutations over 5 s starts one or two runs", async () => {
    await settle();
    const started = Date.now();
    // 100 mutations over 5 s: five batches of 20 (users, groups and the rest), a second apart.
    for (let i = 0; i < 5; i++) {
      await simPost(`/_sim/${tenantId}/mutations`, { seed: 1600 + i, count: 20 });
      if (i < 4) await new Promise((r) => setTimeout(r, 1_000));
    }
    await settle();
    const truth = await simGet<Array<{ id: string; jobTitle?: string | null }>>(`/_sim/${tenantId}/truth/users?select=id,jobTitle`);
    const objects = api.services.objects(tenantId);
    for (const u of truth.slice(0, 30)) expect((await objects.get("users", u.id))?.data.jobTitle ?? null).toBe(u.jobTitle ?? null);
    await new Promise((r) => setTimeout(r, 6_000));
    const runs = await notificationRuns(started);
    expect(runs.size).toBeGreaterThanOrEqual(1);
    expect(runs.size).toBeLessThanOrEqual(2);
  }, 150_000);

  it("a forged notification (wrong clientState, unknown subscription) changes nothing", async () => {
    await settle();
    const subs = await subsAtSim();
    const real = subs.value[0]!;
    const before = (await (await api.call("GET", `/tenants/${tenantId}/sync`)).json()) as { runId: string; notifications: { dropped: number; accepted: number } };
    const item = (subscriptionId: string, clientState: string) => ({
      subscriptionId,
      clientState,
      changeType: "updated",
      tenantId,
      resource: `Users/${userIds[1]!}`,
      subscriptionExpirationDateTime: real.expirationDateTime,
      resourceData: { id: userIds[1]! },
    });
    const res = await fetch(notificationUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: [item(real.id, "not-the-client-state"), item("00000000-0000-0000-0000-000000000000", real.clientState!)] }),
    });
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 3_000));
    const after = (await (await api.call("GET", `/tenants/${tenantId}/sync`)).json()) as { runId: string; notifications: { dropped: number; accepted: number; debounce: { phase: string } } };
    expect(after.runId).toBe(before.runId);
    expect(after.notifications.accepted).toBe(before.notifications.accepted);
    expect(after.notifications.dropped).toBe(before.notifications.dropped + 2);
    expect(after.notifications.debounce.phase).toBe("idle");
    expect(api.logs.some((l) => l.includes("graph notifications: dropped"))).toBe(true);
  }, 60_000);

  it("answers the validation handshake with the token as text/plain, anonymously", async () => {
    const res = await fetch(`${notificationUrl}?validationToken=${encodeURIComponent("Validation: abc 123")}`, { method: "POST", headers: { "content-type": "text/plain" }, body: "" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe("Validation: abc 123");
  });

  it("renews a subscription nearing expiry, and handles reauthorizationRequired", async () => {
    const subs = await subsAtSim();
    const users = subs.value.find((s) => s.resource === "users")!;
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    await simPost(`/_sim/${tenantId}/subscriptions/${users.id}/expire`, { at: soon });
    const renewedBefore = subs.counts.renewed;
    await api.fireTimer("subscriptionRenewTimer");
    const after = await subsAtSim();
    expect(after.counts.renewed).toBe(renewedBefore + 1);
    const renewed = after.value.find((s) => s.id === users.id)!;
    expect(Date.parse(renewed.expirationDateTime) - Date.now()).toBeGreaterThan(41_000 * 60_000);

    const groups = after.value.find((s) => s.resource === "groups")!;
    const fired = (await simPost(`/_sim/${tenantId}/subscriptions/${groups.id}/lifecycle`, { event: "reauthorizationRequired" })) as { status: number };
    expect(fired.status).toBe(202);
    const reauth = await subsAtSim();
    expect(reauth.counts.reauthorized).toBe(after.counts.reauthorized + 1);
    expect(reauth.value.find((s) => s.id === groups.id)!.needsReauth).toBe(false);
  }, 30_000);

  it("a subscription Graph refuses over its quota is recorded with Graph's 403, and the tenant is still added", async () => {
    const simQ = await createSimTenant({ spec: { users: 3, groups: 1 } });
    const app = simQ.apps[0]!;
    const contract = inject("sim");
    const cred = new ClientSecretCredential(simQ.tenantId, app.clientId, app.clientSecrets[0]!, { authorityHost: contract.authorityHost, disableInstanceDiscovery: true });
    const token = (await cred.getToken("https://graph.microsoft.com/.default")).token;
    // The app's 100 subscriptions in this tenant (change-notifications-overview.md: 100 per app and tenant), made by someone else.
    for (let i = 0; i < 100; i++) {
      const r = await fetch(`${contract.graphBaseUrl}/v1.0/subscriptions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ changeType: "updated", notificationUrl, resource: "users", expirationDateTime: new Date(Date.now() + 86_400_000).toISOString(), clientState: "other" }),
      });
      expect(r.status).toBe(201);
    }
    const add = await api.call("POST", "/tenants", {
      body: { tenant: simQ.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: new Date(Date.now() + 90 * 86_400_000).toISOString() }, schedule: { kind: "continuous" } },
    });
    expect(add.status).toBe(201);
    const t = (await (await api.call("GET", `/tenants/${simQ.tenantId}`)).json()) as { subscriptions: { items: Array<{ state: string; lastError: string | null; subscriptionId: string | null }> } };
    expect(t.subscriptions.items).toHaveLength(2);
    for (const i of t.subscriptions.items) {
      expect(i.state).toBe("failed");
      expect(i.subscriptionId).toBeNull();
      expect(i.lastError).toMatch(/HTTP 403.*Subscription limit per app and tenant/);
    }
    await until("no run going", async () => (((await (await api.call("GET", `/tenants/${simQ.tenantId}/sync`)).json()) as { status: string }).status !== "running" ? true : undefined), 30_000);
    expect((await api.call("DELETE", `/tenants/${simQ.tenantId}`)).status).toBe(204);
  }, 90_000);

  it("turning the tenant off deletes its subscriptions; turning it back on and deleting it deletes them again", async () => {
    const before = (await subsAtSim()).counts.deleted;
    const off = await api.call("PATCH", `/tenants/${tenantId}`, { body: { schedule: { kind: "interval", minutes: 60 } } });
    expect(off.status).toBe(200);
    const afterOff = await subsAtSim();
    expect(afterOff.value).toEqual([]);
    expect(afterOff.counts.deleted).toBe(before + 2);

    const on = await api.call("PATCH", `/tenants/${tenantId}`, { body: { schedule: { kind: "continuous" } } });
    expect(on.status).toBe(200);
    expect((await subsAtSim()).value).toHaveLength(2);
    await until("no run going", async () => (((await (await api.call("GET", `/tenants/${tenantId}/sync`)).json()) as { status: string }).status !== "running" ? true : undefined), 30_000);
    const del = await api.call("DELETE", `/tenants/${tenantId}`);
    expect(del.status).toBe(204);
    const gone = await subsAtSim();
    expect(gone.value).toEqual([]);
    expect(gone.counts.deleted).toBe(before + 4);
  }, 60_000);
});

