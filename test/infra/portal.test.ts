import { describe, expect, it } from "vitest";
import { read, readYamlMap, stripComments } from "./bicep.js";

const main = stripComments(read("infra/main.bicep"));
const portal = stripComments(read("infra/modules/portal.bicep"));
const functionApp = stripComments(read("infra/modules/functionapp.bicep"));

describe("the portal's deployment", () => {
  it("is a Static Web App tagged for the azd portal service, deployed from packages/portal/dist", () => {
    expect(portal).toMatch(/resource site 'Microsoft\.Web\/staticSites@[\d-]+' =/);
    expect(portal).toContain("'azd-service-name': serviceName");
    expect(portal).toMatch(/^param serviceName string = 'portal'/m);
    const yaml = readYamlMap(read("azure.yaml")) as { services?: Record<string, Record<string, string>> };
    expect(yaml.services?.["portal"]).toMatchObject({ project: "packages/portal", host: "staticwebapp", dist: "dist" });
  });

  it("lets the Function App's CORS allow the portal's origin, and sets API_AUTH_LEVEL", () => {
    expect(main).toMatch(/corsAllowedOrigins: union\(\[portal\.outputs\.uri\], corsAllowedOrigins\)/);
    expect(main).toMatch(/^param corsAllowedOrigins array = \[\]$/m);
    expect(functionApp).toMatch(/allowedOrigins: corsAllowedOrigins/);
    expect(functionApp).toMatch(/API_AUTH_LEVEL: apiAuthLevel/);
    expect(main).toMatch(/^param apiAuthLevel string = 'anonymous'$/m);
  });
});
