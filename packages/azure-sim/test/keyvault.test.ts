import { ClientSecretCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { describe, expect, inject, it } from "vitest";
import { SecretStore } from "../../../src/secrets/secret-store.js";

const sim = inject("sim");
const identity = () =>
  new ClientSecretCredential(sim.service.tenantId, sim.service.identity.clientId, sim.service.identity.clientSecret, {
    authorityHost: sim.authorityHost,
    disableInstanceDiscovery: true,
  });
const unique = (p: string) => `${p}-${process.pid}-${Date.now().toString(36)}`;

describe("simulated Key Vault through the real SecretClient", () => {
  it("sets and gets a secret with its expiry, through the 401 challenge", async () => {
    const client = new SecretClient(sim.keyVaultUrl, identity(), { disableChallengeResourceVerification: true });
    const name = unique("kv");
    const expiresOn = new Date(Date.now() + 20 * 86_400_000);
    expiresOn.setMilliseconds(0);
    const v1 = await client.setSecret(name, "first-value", { expiresOn });
    const v2 = await client.setSecret(name, "second-value", { expiresOn });
    expect(v1.properties.version).not.toBe(v2.properties.version);
    const latest = await client.getSecret(name);
    expect(latest.value).toBe("second-value");
    expect(latest.properties.expiresOn?.toISOString()).toBe(expiresOn.toISOString());
    const old = await client.getSecret(name, { version: v1.properties.version! });
    expect(old.value).toBe("first-value");
  });

  it("answers a missing secret with SecretNotFound", async () => {
    const client = new SecretClient(sim.keyVaultUrl, identity(), { disableChallengeResourceVerification: true });
    await expect(client.getSecret(unique("missing"))).rejects.toMatchObject({ code: "SecretNotFound", statusCode: 404 });
  });

  it("challenges a request without a token, and refuses a token from a customer tenant", async () => {
    const bare = await fetch(`${sim.keyVaultUrl}/secrets/anything?api-version=2025-07-01`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get("www-authenticate")).toBe(`Bearer authorization="${sim.authorityHost}/${sim.service.tenantId}", resource="https://vault.azure.net"`);
    const t = sim.tenants[0]!;
    const foreign = new ClientSecretCredential(t.tenantId, t.clientId, t.clientSecret, { authorityHost: sim.authorityHost, disableInstanceDiscovery: true });
    const token = await foreign.getToken("https://vault.azure.net/.default");
    const res = await fetch(`${sim.keyVaultUrl}/secrets/anything?api-version=2025-07-01`, { headers: { authorization: `Bearer ${token.token}` } });
    expect(res.status).toBe(401);
  });

  it("SecretStore round-trips and deletes idempotently", async () => {
    const store = new SecretStore(sim.keyVaultUrl, identity());
    const name = unique("store");
    await store.put(name, "value-1", new Date(Date.now() + 86_400_000));
    expect((await store.get(name))?.value).toBe("value-1");
    await store.delete(name);
    expect(await store.get(name)).toBeUndefined();
    await store.delete(name);
  });
});
