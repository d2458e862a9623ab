import { describe, expect, it } from "vitest";
import { resolveEndpoints } from "../../src/config/clouds.js";
import { ConfigError, parseConfig, REQUIRED_SETTINGS } from "../../src/config/config.js";
import { base } from "../support/config-base.js";

describe("config", () => {
  it("parses once into a frozen object with defaults", () => {
    const c = parseConfig(base);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.api)).toBe(true);
    expect(c.keyVaultUrl).toBe("https://kv.vault.azure.net");
    expect(c.tables).toEqual({ kind: "identity", tableServiceUri: "https://acct.table.core.windows.net", clientId: undefined });
    expect(c.serviceIdentity).toEqual({ kind: "managedIdentity", clientId: undefined });
    expect(c.syncNowDailyLimit).toBe(4);
  });

  it.each([
    ["KEY_VAULT_URL", { ...base, KEY_VAULT_URL: undefined }],
    ["KEY_VAULT_URL", { ...base, KEY_VAULT_URL: "http://kv.vault.azure.net" }],
    ["API_AUDIENCE", { ...base, API_AUDIENCE: "" }],
    ["AzureWebJobsStorage", { ...base, AzureWebJobsStorage__tableServiceUri: undefined }],
    ["TABLE_PREFIX", { ...base, TABLE_PREFIX: "bad-prefix" }],
    ["SERVICE_TENANT_ID", { ...base, SERVICE_CLIENT_SECRET: "x", AZURE_CLIENT_ID: "c" }],
  ])("names %s when it is missing or bad", (variable, env) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    try {
      parseConfig(env);
    } catch (err) {
      expect((err as ConfigError).variable).toBe(variable);
      expect((err as Error).message).toContain(variable);
    }
  });

  it("lists the settings without defaults as required", () => {
    expect([...REQUIRED_SETTINGS].sort()).toEqual(["API_AUDIENCE", "API_ISSUER", "API_JWKS_URI", "KEY_VAULT_URL"]);
  });

  it("resolves each cloud, with tenant overrides winning over service overrides", () => {
    expect(resolveEndpoints("usgovdod")).toEqual({ authorityHost: "https://login.microsoftonline.us", graphBaseUrl: "https://dod-graph.microsoft.us" });
    expect(resolveEndpoints("china").graphBaseUrl).toBe("https://microsoftgraph.chinacloudapi.cn");
    const svc = { authorityHost: "https://127.0.0.1:1", graphBaseUrl: "https://127.0.0.1:2/" };
    expect(resolveEndpoints("global", undefined, svc)).toEqual({ authorityHost: "https://127.0.0.1:1", graphBaseUrl: "https://127.0.0.1:2" });
    expect(resolveEndpoints("global", { graphBaseUrl: "https://graph.contoso.example" }, svc).graphBaseUrl).toBe("https://graph.contoso.example");
  });
});

describe("object type names", () => {
  it("are the same in the simulator's counts, the store and the API", async () => {
    const { OBJECT_TYPES } = await import("../../packages/azure-sim/src/model.js");
    const { OBJECT_TYPE_NAMES } = await import("../../src/graph/resources/index.js");
    // signInActivity is a property of users (resources/signinactivity.md), not a kind the simulator counts.
    expect([...OBJECT_TYPES].sort()).toEqual(OBJECT_TYPE_NAMES.filter((t) => t !== "signInActivity").sort());
  });
});
