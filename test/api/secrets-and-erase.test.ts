import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { routes } from "../../src/api/routes.js";
import { OBJECT_TYPE_NAMES } from "../../src/graph/resources/index.js";
import type { TableName } from "../../src/store/tables.js";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant, simGet, simPost, type CreatedTenant } from "../support/sim.js";
import { allEntities, fillPath, inAYear, utcToday, waitForRun, type Json } from "./helpers.js";
import { textOf } from "../../src/domain/text.js";

/**
 * Issue 5: the client secret never leaks (no response body, log line or
 * table entity holds it), and DELETE /tenants/{id} leaves nothing of the
 * tenant in any table nor its own secret in Key Vault.
 */

interface Answer {
  readonly status: number;
  readonly text: string;
  json<T = Record<string, Json>>(): T;
}

describe("portal API: secrets never leak, and a deleted tenant leaves nothing", () => {
  let api: TestApi;
  /** Every response of this file: status line, headers and body. */
  const seen: string[] = [];
  /** Every client secret (right or wrong) this file sent. */
  const secrets = new Set<string>();
  const readPlusWrite = () => [...inject("sim").tenants[0]!.grantedPermissions, "GroupMember.ReadWrite.All"];

  async function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Answer> {
    const res = await api.call(method, path, opts);
    const text = await res.text();
    seen.push(`${method} ${path} ${res.status} ${JSON.stringify([...res.headers])} ${text}`);
    return { status: res.status, text, json: <T,>() => JSON.parse(text) as T };
  }

  const wrongSecret = () => {
    const s = `Wr0ng~${randomBytes(24).toString("base64url")}`;
    secrets.add(s);
    return s;
  };
  const simSecrets = (sim: CreatedTenant) => {
    for (const s of sim.apps[0]!.clientSecrets) secrets.add(s);
    return sim.apps[0]!.clientSecrets;
  };

  async function sync(tenantId: string): Promise<void> {
    const r = await call("POST", `/tenants/${tenantId}/sync`);
    expect(r.status, r.text).toBe(202);
    await waitForRun(api, tenantId);
  }

  /** Calls every GET route of the table for these tenants and profiles (every object type), collecting the answers. */
  async function readEverything(tenantIds: readonly string[], credentialIds: readonly string[]): Promise<number> {
    let calls = 0;
    for (const r of routes.filter((x) => x.method === "GET")) {
      const ids = r.path.startsWith("credentials/") ? credentialIds : r.path.includes("{id}") ? tenantIds : [""];
      for (const id of ids) {
        const listed = r.path.includes("{groupId}") || r.path.includes("{objectId}") ? (await call("GET", `/tenants/${id}/objects/groups?pageSize=3`)).json<{ items: Array<{ id: string }> }>().items.map((g) => g.id) : [""];
        // One object for the routes by object ID: each is already called once per type.
        const groups = r.path.includes("{groupId}") ? listed : listed.slice(0, 1);
        const types = r.path.includes("{type}") ? OBJECT_TYPE_NAMES : [""];
        for (const groupId of groups) {
          for (const type of types) {
            const a = await call("GET", fillPath(r.path, { id, type, groupId, objectId: groupId }), { token: api.reader });
            expect(a.status, `${r.path} ${a.text.slice(0, 200)}`).toBeLessThan(500);
            calls++;
          }
        }
      }
    }
    return calls;
  }

  /** Where a secret (or its base64 form) appears: response bodies, log lines, table entities. */
  async function leaks(): Promise<string[]> {
    const entities = (await allEntities(api)).map(({ table, entity }) => `${table} ${JSON.stringify(entity)}`);
    const found: string[] = [];
    for (const s of secrets) {
      const forms = [s, Buffer.from(s).toString("base64"), Buffer.from(s).toString("base64url"), encodeURIComponent(s)];
      const hit = (x: string) => forms.some((f) => x.includes(f));
      for (const x of seen) if (hit(x)) found.push(`response: ${x.slice(0, 160)}`);
      for (const x of api.logs) if (hit(x)) found.push(`log: ${x.slice(0, 160)}`);
      for (const x of entities) if (hit(x)) found.push(`table: ${x.slice(0, 160)}`);
    }
    return found;
  }

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api?.stop());

  // Two syncs and every GET route over both tenants: longer than the default on a loaded machine.
  it("the client secret appears in no response, log line or table entity", async () => {
    // Tenant A: an inline credential, later rotated to the app's second secret.
    const simA = await createSimTenant({ spec: { users: 30, groups: 4 }, secretDaysValid: [365, 365] });
    const [a1, a2] = simSecrets(simA);
    const appA = simA.apps[0]!.clientId;
    const addA = await call("POST", "/tenants", { body: { tenant: simA.domain, cloud: "global", credential: { clientId: appA, clientSecret: a1, secretExpiresOn: inAYear() } } });
    expect(addA.status, addA.text).toBe(201);
    const inlineA = addA.json<{ credential: { id: string } }>().credential.id;

    // Tenant B through a shared profile P, whose secret is then rotated.
    const simB = await createSimTenant({ spec: { users: 20, groups: 3 }, secretDaysValid: [365, 365] });
    const [b1, b2] = simSecrets(simB);
    const appB = simB.apps[0]!.clientId;
    const addP = await call("POST", "/credentials", { body: { name: "shared B", clientId: appB, clientSecret: b1, secretExpiresOn: inAYear() } });
    expect(addP.status, addP.text).toBe(201);
    const p = addP.json<{ id: string }>().id;
    const addB = await call("POST", "/tenants", { body: { tenant: simB.tenantId, cloud: "global", credential: { credentialId: p } } });
    expect(addB.status, addB.text).toBe(201);
    const secretNameP = (await api.services.credentials.get(p))!.value.secretName;
    const before = await api.services.secrets.get(secretNameP);
    const rotate = await call("PATCH", `/credentials/${p}`, { body: { clientSecret: b2, secretExpiresOn: inAYear() } });
    expect(rotate.status, rotate.text).toBe(200);
    const after = await api.services.secrets.get(secretNameP);
    // Rotation wrote a new Key Vault version with the new value: the secrets above really went somewhere.
    expect(after?.value).toBe(b2);
    expect(after?.version).not.toBe(before?.version);

    // Rotate A's inline credential through PATCH /tenants.
    const rotA = await call("PATCH", `/tenants/${simA.tenantId}`, { body: { credential: { clientId: appA, clientSecret: a2, secretExpiresOn: inAYear() } } });
    expect(rotA.status, rotA.text).toBe(200);
    expect((await api.services.secrets.get((await api.services.credentials.get(inlineA))!.value.secretName))?.value).toBe(a2);

    // Failures carry reports and messages: they must not echo the secret either.
    const simC = await createSimTenant({ spec: { users: 5, groups: 1 } });
    simSecrets(simC);
    const failures = [
      await call("POST", "/tenants", { body: { tenant: simC.tenantId, cloud: "global", credential: { clientId: simC.apps[0]!.clientId, clientSecret: wrongSecret(), secretExpiresOn: inAYear() } } }),
      await call("PATCH", `/tenants/${simA.tenantId}`, { body: { credential: { clientId: appA, clientSecret: wrongSecret(), secretExpiresOn: inAYear() } } }),
      await call("POST", "/connections/test", { body: { tenant: simC.domain, cloud: "global", clientId: simC.apps[0]!.clientId, clientSecret: wrongSecret() } }),
      await call("POST", "/connections/test", { body: { tenant: simC.tenantId, cloud: "global", clientId: randomUUID(), clientSecret: wrongSecret() } }),
      await call("POST", "/credentials", { body: { name: "bad", clientId: "not-a-guid", clientSecret: wrongSecret(), secretExpiresOn: inAYear() } }),
      await call("POST", "/credentials", { body: { name: "bad", clientId: appB, clientSecret: wrongSecret(), secretExpiresOn: "soon" } }),
      await call("PATCH", `/credentials/${p}`, { body: { clientSecret: wrongSecret() } }),
      await call("POST", "/tenants", { body: { tenant: simC.tenantId, cloud: "global", credential: { clientId: simC.apps[0]!.clientId, clientSecret: wrongSecret(), secretExpiresOn: inAYear() }, extra: wrongSecret() } }),
    ];
    expect(failures.map((f) => f.status)).toEqual([400, 400, 200, 200, 400, 400, 400, 400]);
    expect(failures[0]!.json<{ error: { code: string } }>().error.code).toBe("ConnectionFailed");
    const good = await call("POST", "/connections/test", { body: { tenant: simA.tenantId, cloud: "global", clientId: appA, clientSecret: a2 } });
    expect(good.json()).toMatchObject({ ok: true });

    // Tests of the saved credentials, syncs, and every read.
    for (const id of [simA.tenantId, simB.tenantId]) {
      const r = await call("POST", `/tenants/${id}/test`);
      expect(r.json(), r.text).toMatchObject({ ok: true });
      await sync(id);
    }
    const reads = await readEverything([simA.tenantId, simB.tenantId], [inlineA, p]);
    expect(reads).toBeGreaterThan(routes.filter((r) => r.method === "GET").length);

    expect(secrets.size).toBeGreaterThanOrEqual(13);
    expect(seen.length).toBeGreaterThan(40);
    expect(api.logs.length).toBeGreaterThan(0);
    expect(await leaks()).toEqual([]);
  }, 180_000);

  it("DELETE /tenants/{id} erases every row of the tenant in every table and its inline secret", async () => {
    const sim = await createSimTenant({ spec: { users: 40, groups: 6 }, grantedPermissions: readPlusWrite() });
    const [secret] = simSecrets(sim);
    const id = sim.tenantId;
    const add = await call("POST", "/tenants", {
      body: { tenant: id, cloud: "global", deletionThreshold: { count: 0 }, credential: { clientId: sim.apps[0]!.clientId, clientSecret: secret, secretExpiresOn: inAYear() } },
    });
    expect(add.status, add.text).toBe(201);
    const credentialId = add.json<{ credential: { id: string } }>().credential.id;
    const secretName = (await api.services.credentials.get(credentialId))!.value.secretName;
    expect((await api.services.secrets.get(secretName))?.value).toBe(secret);
    await sync(id);

    // A membership write (audit row), when the write-back routes are there.
    const writeBack = routes.find((r) => r.method === "POST" && r.path === "tenants/{id}/groups/{groupId}/members/{memberId}");
    if (writeBack) {
      const groups = await simGet<Array<Record<string, Json>>>(`/_sim/${id}/truth/groups?select=id,groupTypes,mailEnabled,securityEnabled,onPremisesSyncEnabled,membershipRule,isAssignableToRole`);
      const g = groups.find((x) => x.securityEnabled === true && x.mailEnabled === false && x.onPremisesSyncEnabled !== true && !x.membershipRule && x.isAssignableToRole !== true && Array.isArray(x.groupTypes) && x.groupTypes.length === 0);
      const users = await simGet<Array<{ id: string }>>(`/_sim/${id}/truth/users?select=id`);
      const w = await call("POST", fillPath(writeBack.path, { id, groupId: textOf(g!.id), memberId: users[users.length - 1]!.id }));
      expect(w.status, w.text).toBe(200);
    }

    // Deletions past the threshold (0) are held: Held rows.
    const mutated = (await simPost(`/_sim/${id}/mutations`, { seed: 11, count: 40 })) as { applied: Array<{ kind: string }> };
    await sync(id);
    const held = mutated.applied.some((m) => m.kind === "softDelete" || m.kind === "hardDelete");
    if (held) expect((await call("GET", `/tenants/${id}`)).json()).toMatchObject({ deletionsPending: true });

    // A preview (tenant turned off): Previews rows.
    expect((await call("PATCH", `/tenants/${id}`, { body: { enabled: false } })).status).toBe(200);
    const pv = await call("POST", `/tenants/${id}/preview`);
    expect(pv.status, pv.text).toBe(202);
    await waitForRun(api, id);
    expect((await call("GET", `/tenants/${id}/preview`, { token: api.reader })).json()).toMatchObject({ status: "ready" });
    expect((await call("GET", `/tenants/${id}/preview/export`, { token: api.reader })).status).toBe(200);

    // Before: the tenant is all over the tables (so the scan below can see it).
    const mentions = async () => {
      const needles = [id, sim.domain.toLowerCase(), credentialId];
      return (await allEntities(api)).filter(({ entity }) => needles.some((n) => JSON.stringify(entity).toLowerCase().includes(n))).map(({ table, entity }) => `${table}: ${entity.partitionKey} | ${entity.rowKey}`);
    };
    const tablesBefore = new Set((await mentions()).map((m) => m.split(":")[0] as TableName));
    const expected: TableName[] = ["Tenants", "Credentials", "Objects", "Members", "SyncState", "History", "Quota", "Previews"];
    if (held) expected.push("Held");
    if (writeBack) expected.push("Audit");
    expect([...tablesBefore].sort()).toEqual(expect.arrayContaining(expected.sort()));

    expect(await api.durable.getStatus(`sync-${id}`)).toBeDefined();
    expect(await api.durable.getStatus(`sync-${id}:users`)).toBeDefined();
    const del = await call("DELETE", `/tenants/${id}`);
    expect(del.status, del.text).toBe(204);
    // Its orchestration history goes too, its types' sub-orchestrations included.
    expect(await api.durable.getStatus(`sync-${id}`)).toBeUndefined();
    expect(await api.durable.getStatus(`sync-${id}:users`)).toBeUndefined();

    // Only the UTC day's Sync Now quota stays: a delete and re-add must not reset it.
    expect(await mentions()).toEqual([`Quota: ${id} | ${utcToday()}`]);
    expect(await api.services.secrets.get(secretName)).toBeUndefined();
    expect((await call("GET", `/tenants/${id}`)).status).toBe(404);
    expect((await call("GET", `/credentials/${credentialId}`)).status).toBe(404);
    expect((await call("GET", `/tenants/${id}/history`, { token: api.reader })).status).toBe(404);
    expect(await leaks()).toEqual([]);
  });

  it("deleting a tenant of a shared profile keeps the profile and its secret while another tenant uses it", async () => {
    const sim = await createSimTenant({ spec: { users: 15, groups: 2 } });
    const [secret] = simSecrets(sim);
    const addP = await call("POST", "/credentials", { body: { name: "shared", clientId: sim.apps[0]!.clientId, clientSecret: secret, secretExpiresOn: inAYear() } });
    expect(addP.status, addP.text).toBe(201);
    const p = addP.json<{ id: string }>().id;
    const secretName = (await api.services.credentials.get(p))!.value.secretName;
    const x = await call("POST", "/tenants", { body: { tenant: sim.tenantId, cloud: "global", credential: { credentialId: p } } });
    expect(x.status, x.text).toBe(201);
    await sync(sim.tenantId);
    // A second tenant on the same profile. The simulated Entra has no multi-tenant apps (its secrets are per tenant),
    // so this one is written to the store directly rather than through POST /tenants and its connection test.
    const y = { ...(await api.services.tenants.get(sim.tenantId))!.value, id: randomUUID(), displayName: "Second tenant on the shared profile", domain: null };
    expect(await api.services.tenants.create(y)).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types asymmetric matchers as any
    expect((await call("GET", `/credentials/${p}`)).json()).toMatchObject({ tenants: expect.arrayContaining([sim.tenantId, y.id]) });

    expect((await call("DELETE", `/tenants/${sim.tenantId}`)).status).toBe(204);
    const profile = await call("GET", `/credentials/${p}`);
    expect(profile.status).toBe(200);
    expect(profile.json()).toMatchObject({ id: p, tenants: [y.id] });
    expect((await api.services.secrets.get(secretName))?.value).toBe(secret);
    const left = (await allEntities(api)).filter(({ entity }) => JSON.stringify(entity).toLowerCase().includes(sim.tenantId));
    expect(left.map(({ table, entity }) => `${table}: ${entity.partitionKey} | ${entity.rowKey}`)).toEqual([`Quota: ${sim.tenantId} | ${utcToday()}`]);

    // The profile stays refused for deletion while in use; deleting its last tenant takes it, secret and all.
    const refused = await call("DELETE", `/credentials/${p}`);
    expect(refused.status).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: "CredentialInUse" } });
    expect((await call("DELETE", `/tenants/${y.id}`)).status).toBe(204);
    expect((await call("GET", `/credentials/${p}`)).status).toBe(404);
    expect(await api.services.secrets.get(secretName)).toBeUndefined();
  });

  it("after everything, still no secret anywhere", async () => {
    expect(await leaks()).toEqual([]);
  });
});
