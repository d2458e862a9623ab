import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { CredentialUnavailable, endpointsOf } from "../../src/credentials/endpoints.js";
import { base } from "../support/config-base.js";

const config = parseConfig(base);

describe("endpointsOf: the hosts a tenant's secret may go to", () => {
  it("gives the tenant's own cloud, with an allowed override applied", () => {
    expect(endpointsOf(config, { cloud: "global", endpoints: null })).toMatchObject({ authorityHost: "https://login.microsoftonline.com", graphBaseUrl: "https://graph.microsoft.com" });
    expect(endpointsOf(config, { cloud: "usgov", endpoints: { graphBaseUrl: "https://dod-graph.microsoft.us" } }, { cloud: "usgovdod" }).graphBaseUrl).toBe("https://dod-graph.microsoft.us");
  });

  it("refuses a stored override the policy does not allow, as the admin's to fix", () => {
    const call = () => endpointsOf(config, { cloud: "global", endpoints: { graphBaseUrl: "https://graph.example" } });
    expect(call).toThrow(CredentialUnavailable);
    expect(call).toThrow(/^endpoints\.graphBaseUrl /);
  });

  it("refuses a profile of another identity cloud; a profile without a cloud is global", () => {
    expect(() => endpointsOf(config, { cloud: "global", endpoints: null }, { cloud: "usgov" })).toThrow(/belongs to cloud usgov; a tenant of cloud global cannot use it/);
    expect(() => endpointsOf(config, { cloud: "china", endpoints: null }, {})).toThrow(CredentialUnavailable);
    expect(endpointsOf(config, { cloud: "global", endpoints: null }, {}).authorityHost).toBe("https://login.microsoftonline.com");
  });
});
