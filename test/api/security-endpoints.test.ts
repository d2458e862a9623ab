import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant } from "../support/sim.js";
import { addTenant, expectErrorShape, inAYear, snapshotRows, type AddedTenant } from "./helpers.js";

/** A loopback TCP server that only counts who connects: anything the service sends it is a leak. */
interface Trap {
  readonly port: number;
  connections(): number;
  close(): Promise<void>;
}

async function startTrap(): Promise<Trap> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    count++;
    sockets.add(s);
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("issue 20 (1, 17, 8): endpoint overrides, tenant names and display names", () => {
  let api: TestApi;
  let trap: Trap;
  let a: AddedTenant;
  const sim = inject("sim");
  const simHosts = [sim.authorityHost, sim.graphBaseUrl].map((u) => new URL(u).host).join(",");

  beforeAll(async () => {
    // The simulator is allow-listed, as the local embedded default does; the trap is not.
    [api, trap] = await Promise.all([startApi({ ENDPOINT_ALLOWED_HOSTS: simHosts }), startTrap()]);
    a = await addTenant(api);
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
    await trap?.close();
  });

  it("POST /tenants with another tenant's credentialId and a loopback authorityHost sends nothing there and answers 400", async () => {
    // Regression: the override made the service post the profile's client secret to any https host (issue 20, item 1).
    const victim = a.body.credential as { id: string };
    const spare = await createSimTenant({ spec: { users: 5, groups: 1 } });
    const before = await snapshotRows(api);
    for (const endpoints of [
      { authorityHost: `https://127.0.0.1:${trap.port}` },
      { authorityHost: `https://localhost:${trap.port}` },
      { graphBaseUrl: `https://127.0.0.1:${trap.port}` },
      { authorityHost: `https://[::1]:${trap.port}` },
    ]) {
      const res = await api.call("POST", "/tenants", { body: { tenant: spare.tenantId, cloud: "global", credential: { credentialId: victim.id }, endpoints } });
      const text = await res.text();
      expect(res.status, text).toBe(400);
      const err = expectErrorShape(res.status, text, JSON.stringify(endpoints));
      expect(err.code).toBe("EndpointNotAllowed");
      expect(err.details).toEqual([expect.objectContaining({ path: `body.endpoints.${Object.keys(endpoints)[0]}` })]);
    }
    expect(trap.connections()).toBe(0);
    expect(await snapshotRows(api)).toEqual(before);
  });

  it.each([
    ["an IP literal", { authorityHost: "https://20.190.128.1" }],
    ["userinfo", { authorityHost: "https://user:pass@login.microsoftonline.com" }],
    ["a port", { graphBaseUrl: "https://graph.microsoft.com:8443" }],
    ["a single-label name", { graphBaseUrl: "https://intranet" }],
    ["an internal name", { authorityHost: "https://login.microsoftonline.com.internal.example" }],
    ["another cloud's host", { graphBaseUrl: "https://graph.microsoft.us" }],
    ["a path", { authorityHost: "https://login.microsoftonline.com/evil" }],
    ["a query", { graphBaseUrl: "https://graph.microsoft.com/?x=1" }],
  ])("refuses %s in an override with 400, before any request", async (_what, endpoints) => {
    const spare = await createSimTenant({ spec: { users: 5, groups: 1 } });
    const app = spare.apps[0]!;
    const res = await api.call("POST", "/tenants", {
      body: { tenant: spare.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() }, endpoints },
    });
    const text = await res.text();
    expect(res.status, text).toBe(400);
    expect(expectErrorShape(res.status, text).code).toBe("EndpointNotAllowed");
    expect((await api.call("GET", `/tenants/${spare.tenantId}`)).status).toBe(404);
  });

  it("accepts the cloud's documented hosts and allow-listed ones", async () => {
    const spare = await createSimTenant({ spec: { users: 5, groups: 1 } });
    const app = spare.apps[0]!;
    const res = await api.call("POST", "/tenants", {
      body: {
        tenant: spare.tenantId,
        cloud: "global",
        credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() },
        endpoints: { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl },
      },
    });
    expect(res.status, await res.text()).toBe(201);
  });

  it("POST /connections/test with a loopback override answers 400 and sends nothing", async () => {
    const res = await api.call("POST", "/connections/test", {
      body: { tenant: a.id, cloud: "global", clientId: a.clientId, clientSecret: a.secret, endpoints: { authorityHost: `https://127.0.0.1:${trap.port}` } },
    });
    expect(res.status, await res.clone().text()).toBe(400);
    expect(expectErrorShape(res.status, await res.text()).code).toBe("EndpointNotAllowed");
    expect(trap.connections()).toBe(0);
  });

  it("PATCH with a bad override answers 400 and saves nothing; one that fails the connection test answers 400 with the report", async () => {
    const before = await snapshotRows(api);
    const bad = await api.call("PATCH", `/tenants/${a.id}`, { body: { endpoints: { graphBaseUrl: `https://127.0.0.1:${trap.port}` }, displayName: "renamed" } });
    expect(bad.status, await bad.clone().text()).toBe(400);
    expect(expectErrorShape(bad.status, await bad.text()).code).toBe("EndpointNotAllowed");
    // Allowed hosts, wrong roles: the token request goes to Graph's host and fails, so nothing is saved.
    const failing = await api.call("PATCH", `/tenants/${a.id}`, { body: { endpoints: { authorityHost: sim.graphBaseUrl }, displayName: "renamed" } });
    const text = await failing.text();
    expect(failing.status, text).toBe(400);
    const err = expectErrorShape(failing.status, text);
    expect(err.code).toBe("ConnectionFailed");
    expect(err.details).toMatchObject({ ok: false });
    expect(await snapshotRows(api)).toEqual(before);
    expect(trap.connections()).toBe(0);

    const good = await api.call("PATCH", `/tenants/${a.id}`, { body: { endpoints: { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl } } });
    expect(good.status, await good.text()).toBe(200);
    expect((await api.services.tenants.get(a.id))!.value.endpoints).toEqual({ authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl });
  });

  it("a stored override the policy refuses is never used: the saved-credential test answers 409 and sends nothing", async () => {
    const t = await addTenant(api);
    // As a row saved before the policy existed.
    await api.services.tenants.update(t.id, (x) => ({ ...x, endpoints: { authorityHost: `https://127.0.0.1:${trap.port}` } }));
    const res = await api.call("POST", `/tenants/${t.id}/test`);
    const text = await res.text();
    expect(res.status, text).toBe(409);
    expect(expectErrorShape(res.status, text).code).toBe("CredentialUnusable");
    expect(trap.connections()).toBe(0);
  });

  it("a profile of one cloud is refused for a tenant of another, before its secret goes anywhere", async () => {
    const profile = await api.call("POST", "/credentials", { body: { name: "gov app", cloud: "usgov", clientId: a.clientId, clientSecret: a.secret, secretExpiresOn: inAYear() } });
    expect(profile.status, await profile.clone().text()).toBe(201);
    const id = ((await profile.json()) as { id: string; cloud: string }).id;
    const spare = await createSimTenant({ spec: { users: 5, groups: 1 } });
    const before = await snapshotRows(api);
    const res = await api.call("POST", "/tenants", { body: { tenant: spare.tenantId, cloud: "global", credential: { credentialId: id } } });
    const text = await res.text();
    expect(res.status, text).toBe(400);
    expect(expectErrorShape(res.status, text).code).toBe("CredentialCloudMismatch");
    expect(await snapshotRows(api)).toEqual(before);
    const patch = await api.call("PATCH", `/tenants/${a.id}`, { body: { credential: { credentialId: id } } });
    expect(patch.status, await patch.clone().text()).toBe(400);
    expect(expectErrorShape(patch.status, await patch.text()).code).toBe("CredentialCloudMismatch");
  });

  it.each([".", "..", "...", "a..b", ".contoso.com", "contoso.com.", "-contoso.com", "contoso"])("refuses the tenant %j (issue 20, item 17)", async (tenant) => {
    for (const [path, body] of [
      ["/tenants", { tenant, cloud: "global", credential: { clientId: a.clientId, clientSecret: a.secret, secretExpiresOn: inAYear() } }],
      ["/connections/test", { tenant, cloud: "global", clientId: a.clientId, clientSecret: a.secret }],
    ] as const) {
      const res = await api.call("POST", path, { body });
      const text = await res.text();
      expect(res.status, `${path} ${text}`).toBe(400);
      expect(expectErrorShape(res.status, text).details).toEqual([expect.objectContaining({ path: "body.tenant" })]);
    }
  });

  it.each([
    ["a newline", "Contoso\n[sync] Fabrikam: succeeded"],
    ["an ANSI escape", "\u001b[31mContoso"],
    ["a bidi override", "Contoso\u202Emoc.evil"],
    ["a bidi isolate", "Contoso\u2066x"],
    ["a lone surrogate", "Contoso\ud800"],
    ["a C1 control", "Contoso\u0085"],
  ])("refuses a displayName with %s (issue 20, item 8)", async (_what, name) => {
    const cases: Array<[string, string, Record<string, unknown>, string]> = [
      ["PATCH", `/tenants/${a.id}`, { displayName: name }, "body.displayName"],
      ["POST", "/tenants", { tenant: a.id, cloud: "global", displayName: name, credential: { clientId: a.clientId, clientSecret: a.secret, secretExpiresOn: inAYear() } }, "body.displayName"],
      ["POST", "/credentials", { name, clientId: a.clientId, clientSecret: a.secret, secretExpiresOn: inAYear() }, "body.name"],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await api.call(method, path, { body });
      const text = await res.text();
      expect(res.status, `${method} ${path} ${text}`).toBe(400);
      expect(expectErrorShape(res.status, text).details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
    }
  });

  it("keeps names in any script, emoji included", async () => {
    const res = await api.call("PATCH", `/tenants/${a.id}`, { body: { displayName: "Contoso 株式会社 😀 שלום" } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { displayName: string }).displayName).toBe("Contoso 株式会社 😀 שלום");
  });
});
