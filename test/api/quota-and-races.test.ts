import { odata } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant, simPost } from "../support/sim.js";
import { addTenant, awayFromUtcMidnight, expectErrorShape, inAYear, secondsToUtcMidnight, secretNames, utcToday, vaultClient, waitForRun } from "./helpers.js";

/**
 * Sync Now's daily quota (4 a UTC day per tenant) under concurrent calls,
 * its 409s, and concurrent adds of the same tenant (issue 5).
 */

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly location: string | null;
  readonly text: string;
}

describe("portal API: Sync Now quota and races", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api?.stop());

  const quota = () => api.services.tables.client("Quota");
  const setUsed = (tenantId: string, count: number) => quota().upsertEntity({ partitionKey: tenantId, rowKey: utcToday(), count }, "Replace");
  const used = async (tenantId: string): Promise<number | undefined> => {
    for await (const e of quota().listEntities<{ count: number }>({ queryOptions: { filter: odata`PartitionKey eq ${tenantId}` } })) {
      if (e.rowKey === utcToday()) return e.count;
    }
    return undefined;
  };
  const syncNow = async (tenantId: string): Promise<Answer> => {
    const res = await api.call("POST", `/tenants/${tenantId}/sync`);
    return { status: res.status, retryAfter: res.headers.get("retry-after"), location: res.headers.get("location"), text: await res.text() };
  };

  /** A 429 as the issue wants it: Retry-After is the seconds to the next UTC day, and the body says none remain. */
  function expectQuotaAnswer(a: Answer): void {
    expect(a.status).toBe(429);
    const err = expectErrorShape(a.status, a.text, "429");
    expect(err.code).toBe("DailyLimitReached");
    expect(a.retryAfter).toMatch(/^\d+$/);
    expect(Math.abs(Number(a.retryAfter) - secondsToUtcMidnight())).toBeLessThanOrEqual(5);
    expect(err.details).toMatchObject({ remaining: 0 });
  }

  it("with 3 of 4 used, 20 concurrent Sync Now calls get exactly one 202; the quota ends at 4 and the 5th is a 429", async () => {
    const t = await addTenant(api, { spec: { users: 40, groups: 4 } });
    await awayFromUtcMidnight();
    await setUsed(t.id, 3);

    const answers = await Promise.all(Array.from({ length: 20 }, () => syncNow(t.id)));
    const byStatus = answers.reduce<Record<number, number>>((m, a) => ({ ...m, [a.status]: (m[a.status] ?? 0) + 1 }), {});
    expect(answers.filter((a) => a.status === 202), JSON.stringify(byStatus)).toHaveLength(1);
    for (const a of answers) {
      expect([202, 409, 429], a.text).toContain(a.status);
      if (a.status === 409) expect(expectErrorShape(a.status, a.text, "409").code).toBe("SyncRunning");
      if (a.status === 429) expectQuotaAnswer(a);
    }
    const accepted = answers.find((a) => a.status === 202)!;
    expect(accepted.location).toBe(`${api.baseUrl}/tenants/${t.id}/sync`);
    expect(JSON.parse(accepted.text)).toMatchObject({ remainingToday: 0 });

    await waitForRun(api, t.id);
    expect(await used(t.id)).toBe(4);
    // Nothing runs now, so only the quota stands in the way.
    expectQuotaAnswer(await syncNow(t.id));
    expect(await used(t.id)).toBe(4);
    const status = (await (await api.call("GET", `/tenants/${t.id}/sync`, { token: api.reader })).json()) as { status: string; syncNowRemainingToday: number; syncNowResetsAt: string };
    expect(status).toMatchObject({ status: "succeeded", syncNowRemainingToday: 0 });
    // The reset the portal shows is the next UTC midnight, when the 429's Retry-After ends.
    const now = new Date();
    expect(status.syncNowResetsAt).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString());
  });

  it("a Sync Now while a sync runs answers 409 and uses no quota", async () => {
    const t = await addTenant(api, { spec: { users: 60, groups: 6 } });
    await awayFromUtcMidnight();
    // Slow Graph down for this tenant, so the run is surely still going when the next calls come.
    await simPost(`/_sim/${t.id}/faults`, { latencyMs: 150 }, "PUT");
    try {
      const first = await syncNow(t.id);
      expect(first.status, first.text).toBe(202);
      expect(JSON.parse(first.text)).toMatchObject({ remainingToday: 3 });
      expect(await used(t.id)).toBe(1);
      const during = await Promise.all(Array.from({ length: 5 }, () => syncNow(t.id)));
      for (const a of during) {
        expect(a.status, a.text).toBe(409);
        expect(expectErrorShape(a.status, a.text, "409").code).toBe("SyncRunning");
      }
      const status = (await (await api.call("GET", `/tenants/${t.id}/sync`, { token: api.reader })).json()) as { status: string; syncNowRemainingToday: number };
      expect(status).toMatchObject({ status: "running", syncNowRemainingToday: 3 });
      expect(await used(t.id)).toBe(1);
    } finally {
      await simPost(`/_sim/${t.id}/faults`, {}, "DELETE");
    }
    await waitForRun(api, t.id);
    expect(await used(t.id)).toBe(1);
  });

  it("a Sync Now for a disabled tenant answers 409 and uses no quota", async () => {
    const t = await addTenant(api, { spec: { users: 10, groups: 2 }, settings: { enabled: false } });
    await awayFromUtcMidnight();
    const a = await syncNow(t.id);
    expect(a.status, a.text).toBe(409);
    expect(expectErrorShape(a.status, a.text, "409").code).toBe("TenantDisabled");
    expect(await used(t.id)).toBeUndefined();
    await setUsed(t.id, 2);
    expect((await syncNow(t.id)).status).toBe(409);
    expect(await used(t.id)).toBe(2);
    expect(await api.durable.getStatus(`sync-${t.id}`)).toBeUndefined();
  });

  it("10 concurrent adds of the same new tenant: exactly one 201, the rest 409, and nothing orphaned", async () => {
    const sim = await createSimTenant({ spec: { users: 15, groups: 2 } });
    const app = sim.apps[0]!;
    const secret = app.clientSecrets[0]!;
    const namesBefore = await secretNames(api);
    // Half name it by GUID, half by domain: both resolve to the same tenant.
    const answers = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const res = await api.call("POST", "/tenants", {
          body: { tenant: i % 2 === 0 ? sim.tenantId : sim.domain, cloud: "global", credential: { clientId: app.clientId, clientSecret: secret, secretExpiresOn: inAYear() } },
        });
        return { status: res.status, text: await res.text() };
      }),
    );
    const created = answers.filter((a) => a.status === 201);
    expect(created, JSON.stringify(answers.map((a) => a.status))).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.status, a.text).toBe(409);
      expect(expectErrorShape(a.status, a.text, "409").code).toBe("TenantExists");
    }
    const tenant = JSON.parse(created[0]!.text) as { id: string; credential: { id: string } };
    expect(tenant.id).toBe(sim.tenantId);

    // One tenant row.
    const rows = [];
    for await (const e of api.services.tables.client("Tenants").listEntities({ queryOptions: { filter: odata`RowKey eq ${sim.tenantId}` } })) rows.push(e);
    expect(rows).toHaveLength(1);
    const list = (await (await api.call("GET", "/tenants?pageSize=1000", { token: api.reader })).json()) as { items: Array<{ id: string }> };
    expect(list.items.filter((x) => x.id === sim.tenantId)).toHaveLength(1);

    // One credential profile for the app: the tenant's own.
    const profiles = [];
    for await (const { value: p } of api.services.credentials.list()) if (p.clientId === app.clientId) profiles.push(p);
    expect(profiles.map((p) => p.id)).toEqual([tenant.credential.id]);

    // One live Key Vault secret holding the client secret: the profile's.
    const added = [...(await secretNames(api))].filter((n) => !namesBefore.has(n));
    const holding: string[] = [];
    for (const name of added) {
      const s = await vaultClient(api).getSecret(name).catch(() => undefined); // another test file may delete its own meanwhile
      if (s?.value === secret) holding.push(name);
    }
    expect(holding).toEqual([profiles[0]!.secretName]);
    expect((await api.services.secrets.get(profiles[0]!.secretName))?.value).toBe(secret);
  });
});
