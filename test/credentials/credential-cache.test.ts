import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { ClientSecretCredential } from "@azure/identity";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { CloudEndpoints } from "../../src/config/clouds.js";
import { CredentialCache } from "../../src/graph/credential-cache.js";
import type { Services } from "../../src/services.js";
import type { TenantRecord } from "../../src/store/tenant-store.js";
import { createTenant } from "../../src/tenants/create-tenant.js";
import { testServices } from "../support/services.js";
import { createSimTenant, type CreatedTenant } from "../support/sim.js";

/** Every request the process sends through node:http(s), as the SDK pipelines send them (the channel Node publishes). */
function requestLog(): { paths: string[]; stop(): void } {
  const paths: string[] = [];
  const onStart = (message: unknown): void => {
    const { request } = message as { request: ClientRequest };
    paths.push(`${request.method} ${request.path}`);
  };
  subscribe("http.client.request.start", onStart);
  return { paths, stop: () => unsubscribe("http.client.request.start", onStart) };
}

/** What every stream activity does first: a Graph client for the tenant, and one call. */
async function activity(services: Services, tenant: TenantRecord): Promise<void> {
  const client = await services.graphFor(tenant);
  const org = (await client.api("/organization").get()) as { value: unknown[] };
  expect(org.value).toHaveLength(1);
}

describe("customer credentials reused across activities", () => {
  let services: Services;
  let sim: CreatedTenant;
  let tenant: TenantRecord;

  beforeAll(async () => {
    services = await testServices();
    sim = await createSimTenant({ spec: { users: 3, groups: 1 }, secretDaysValid: [90, 90] });
    const app = sim.apps[0]!;
    const r = await createTenant(services, {
      tenant: sim.tenantId,
      cloud: "global",
      credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0]!, secretExpiresOn: new Date(Date.now() + 80 * 86_400_000).toISOString() },
    });
    if (r.kind !== "created") throw new Error(`tenant not created: ${JSON.stringify(r)}`);
    tenant = r.tenant;
  });

  it("signs in once for a run's activities, again at once after a rotation, and logs no secret", async () => {
    const [first, rotated] = sim.apps[0]!.clientSecrets;
    const written: string[] = [];
    const capture = (chunk: unknown): boolean => (written.push(String(chunk)), true);
    const spies = [
      vi.spyOn(process.stdout, "write").mockImplementation(capture),
      vi.spyOn(process.stderr, "write").mockImplementation(capture),
      ...(["log", "info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(" ")))),
    ];
    const log = requestLog();
    const tokenRequests = (): number => log.paths.filter((p) => p.startsWith(`POST /${sim.tenantId}/oauth2/v2.0/token`)).length;
    const metadataRequests = (): number => log.paths.filter((p) => p.startsWith(`GET /${sim.tenantId}/v2.0/.well-known/openid-configuration`)).length;
    try {
      await activity(services, tenant);
      await activity(services, tenant);
      await activity(services, tenant);
      expect(tokenRequests()).toBe(1);
      expect(metadataRequests()).toBe(1);
      // Still read per activity: the vault is what makes a rotation immediate.
      expect(log.paths.filter((p) => p.startsWith("GET /secrets/")).length).toBe(3);

      const profile = await services.credentials.get(tenant.credentialId);
      await services.secrets.put(profile!.value.secretName, rotated!, new Date(Date.now() + 80 * 86_400_000));
      await activity(services, tenant);
      await activity(services, tenant);
      expect(tokenRequests()).toBe(2);
    } finally {
      log.stop();
      for (const s of spies) s.mockRestore();
    }
    const text = written.join("\n");
    expect(text).not.toContain(first);
    expect(text).not.toContain(rotated);
  });
});

describe("CredentialCache", () => {
  const endpoints: CloudEndpoints = { authorityHost: "https://login.example.test", graphBaseUrl: "https://graph.example.test" };
  const app = (n: number, secret = `secret-${n}`) => ({ tenantId: `tenant-${n}`, clientId: "app", clientSecret: secret });
  const made = (): { cache: CredentialCache; count: () => number } => {
    let n = 0;
    const cache = new CredentialCache(2, (a, e) => {
      n++;
      return new ClientSecretCredential(a.tenantId, a.clientId, a.clientSecret, { authorityHost: e.authorityHost, disableInstanceDiscovery: true });
    });
    return { cache, count: () => n };
  };

  it("keys by tenant, app, authority and secret, and drops the least recently used", () => {
    const { cache, count } = made();
    const a = cache.get(app(1), endpoints);
    expect(cache.get(app(1), endpoints)).toBe(a);
    expect(cache.get(app(1, "rotated"), endpoints)).not.toBe(a);
    expect(cache.get({ ...app(1), clientId: "other" }, endpoints)).not.toBe(a);
    expect(cache.get(app(1), { ...endpoints, authorityHost: "https://login.other.test" })).not.toBe(a);
    expect(count()).toBe(4);
    expect(cache.size).toBe(2);

    const { cache: lru } = made();
    const one = lru.get(app(1), endpoints);
    const two = lru.get(app(2), endpoints);
    expect(lru.get(app(1), endpoints)).toBe(one); // 1 is now the most recent
    lru.get(app(3), endpoints); // evicts 2
    expect(lru.get(app(1), endpoints)).toBe(one);
    expect(lru.get(app(2), endpoints)).not.toBe(two);
  });
});
