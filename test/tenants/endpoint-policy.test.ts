import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/config.js";
import { endpointProblems } from "../../src/tenants/endpoint-policy.js";
import { base } from "../support/config-base.js";

describe("endpoint override policy (issue 20, item 1)", () => {
  it("allows the documented hosts of the tenant's own cloud, with or without the default port", () => {
    expect(endpointProblems("global", { authorityHost: "https://login.microsoftonline.com", graphBaseUrl: "https://graph.microsoft.com:443/" }, [])).toEqual([]);
    expect(endpointProblems("usgov", { graphBaseUrl: "https://dod-graph.microsoft.us" }, [])).toEqual([]);
    expect(endpointProblems("china", { authorityHost: "https://login.chinacloudapi.cn", graphBaseUrl: "https://microsoftgraph.chinacloudapi.cn" }, [])).toEqual([]);
    expect(endpointProblems("global", null, [])).toEqual([]);
  });

  it.each([
    ["global", { graphBaseUrl: "https://graph.microsoft.us" }, "not a documented Graph host of cloud global"],
    ["china", { authorityHost: "https://login.microsoftonline.com" }, "not a documented sign-in host of cloud china"],
    ["global", { authorityHost: "https://graph.microsoft.com" }, "not a documented sign-in host"],
    ["global", { authorityHost: "https://127.0.0.1" }, "IP address"],
    ["global", { authorityHost: "https://[::1]" }, "IP address"],
    ["global", { authorityHost: "https://0x7f000001" }, "IP address"],
    ["global", { graphBaseUrl: "https://graph.microsoft.com:8443" }, "port"],
    ["global", { graphBaseUrl: "https://a:b@graph.microsoft.com" }, "user name or password"],
    ["global", { graphBaseUrl: "https://graph.microsoft.com/v1.0" }, "no path"],
    ["global", { graphBaseUrl: "https://graph.microsoft.com/#x" }, "query or fragment"],
    ["global", { graphBaseUrl: "https://metadata" }, "not a documented"],
    ["global", { graphBaseUrl: "https://graph.microsoft.com." }, "not a documented"],
  ] as const)("refuses %s %j", (cloud, overrides, message) => {
    const problems = endpointProblems(cloud, overrides, []);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(message);
  });

  it("an allow-listed host:port passes, and only that port", () => {
    const allowed = ["127.0.0.1:8443", "graph.contoso.example:443"];
    expect(endpointProblems("global", { authorityHost: "https://127.0.0.1:8443", graphBaseUrl: "https://graph.contoso.example" }, allowed)).toEqual([]);
    expect(endpointProblems("global", { authorityHost: "https://127.0.0.1:8444" }, allowed)).toHaveLength(1);
    // Allow-listed or not, no userinfo and no path.
    expect(endpointProblems("global", { authorityHost: "https://u@127.0.0.1:8443" }, allowed)).toHaveLength(1);
    expect(endpointProblems("global", { authorityHost: "https://127.0.0.1:8443/x" }, allowed)).toHaveLength(1);
  });

  it("ENDPOINT_ALLOWED_HOSTS parses into host:port entries, 443 by default, and refuses anything else", () => {
    expect(parseConfig(base).endpointAllowedHosts).toEqual([]);
    expect(parseConfig({ ...base, ENDPOINT_ALLOWED_HOSTS: " 127.0.0.1:8443, Graph.Contoso.Example " }).endpointAllowedHosts).toEqual(["127.0.0.1:8443", "graph.contoso.example:443"]);
    for (const bad of ["https://x.example", "u@x.example", "x.example/path", "x.example:99999"]) {
      expect(() => parseConfig({ ...base, ENDPOINT_ALLOWED_HOSTS: bad }), bad).toThrow(ConfigError);
    }
  });
});
