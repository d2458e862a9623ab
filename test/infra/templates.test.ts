import { describe, it, expect } from "vitest";
import { dirname, join, normalize } from "node:path";
import { REQUIRED_SETTINGS } from "../../src/config/config.js";
import {
  bicepFiles,
  declarations,
  exists,
  objectProperties,
  params,
  property,
  read,
  readYamlMap,
  resourcesOfType,
} from "./bicep.js";

const main = read("infra/main.bicep");
const functionApp = read("infra/modules/functionapp.bicep");

function appSettingNames(): string[] {
  const [config] = resourcesOfType(functionApp, "Microsoft.Web/sites/config");
  expect(config, "functionapp.bicep declares a Microsoft.Web/sites/config resource").toBeDefined();
  expect(property(config!.body, "name")).toBe("'appsettings'");
  const props = property(config!.body, "properties");
  expect(props).toBeDefined();
  return [...objectProperties(props!).keys()];
}

describe("module references", () => {
  it("every module path referenced by a .bicep file exists, and none comes from a registry", () => {
    let count = 0;
    for (const file of bicepFiles()) {
      for (const d of declarations(read(file)).filter((x) => x.kind === "module")) {
        count++;
        expect(d.target, `${file}: module ${d.symbol}`).not.toMatch(/^(br|ts)[:/]/);
        const target = normalize(join(dirname(file), d.target));
        expect(exists(target), `${file}: module ${d.symbol} -> ${target}`).toBe(true);
      }
    }
    expect(count).toBeGreaterThanOrEqual(8);
  });

  it("every module in infra/modules is used by main.bicep", () => {
    const used = new Set(declarations(main).filter((d) => d.kind === "module").map((d) => normalize(join("infra", d.target))));
    for (const file of bicepFiles().filter((f) => f.startsWith("infra/modules/"))) {
      expect(used.has(file), `${file} is referenced from main.bicep`).toBe(true);
    }
  });

  it("main.bicep deploys at subscription scope into a resource group tagged azd-env-name", () => {
    expect(main).toMatch(/^targetScope\s*=\s*'subscription'/m);
    const [rg] = resourcesOfType(main, "Microsoft.Resources/resourceGroups");
    expect(rg).toBeDefined();
    expect(main).toMatch(/var tags = \{ 'azd-env-name': environmentName \}/);
    expect(property(rg!.body, "tags")).toBe("tags");
    for (const d of declarations(main).filter((x) => x.kind === "module")) {
      expect(property(d.body, "scope"), `module ${d.symbol} scope`).toBe("rg");
    }
  });
});

describe("parameters", () => {
  const declared = params(main);
  const file = JSON.parse(read("infra/main.parameters.json")) as { parameters: Record<string, { value: unknown }> };
  const supplied = Object.keys(file.parameters);

  it("main.parameters.json names only parameters main.bicep declares", () => {
    const names = new Set(declared.map((p) => p.name));
    for (const name of supplied) expect(names.has(name), `parameter ${name} is declared in main.bicep`).toBe(true);
  });

  it("every main.bicep parameter without a default is supplied by main.parameters.json", () => {
    const required = declared.filter((p) => !p.hasDefault).map((p) => p.name);
    expect(required).toEqual(expect.arrayContaining(["environmentName", "location", "apiAudience"]));
    for (const name of required) expect(supplied, `required parameter ${name}`).toContain(name);
  });

  it("the azd variables are wired to the right parameters", () => {
    const value = (name: string) => String(file.parameters[name]?.value);
    expect(value("environmentName")).toBe("${AZURE_ENV_NAME}");
    expect(value("location")).toBe("${AZURE_LOCATION}");
    expect(value("principalId")).toBe("${AZURE_PRINCIPAL_ID}");
    expect(value("alertEmail")).toBe("${ALERT_EMAIL}");
    expect(value("apiAudience")).toMatch(/^\$\{API_AUDIENCE\}$/);
    expect(value("apiTenantId")).toMatch(/^\$\{API_TENANT_ID\}$/);
    // Every value is an azd substitution, never a literal secret or ID.
    for (const name of supplied) expect(value(name), name).toMatch(/^\$\{[A-Z_]+(=[^}]*)?\}$/);
  });
});

describe("Function App", () => {
  const [site] = resourcesOfType(functionApp, "Microsoft.Web/sites");
  const [plan] = resourcesOfType(functionApp, "Microsoft.Web/serverfarms");

  it("sets every REQUIRED_SETTINGS variable of src/config/config.ts as an app setting", () => {
    expect(REQUIRED_SETTINGS.length).toBeGreaterThan(0);
    const names = appSettingNames();
    for (const name of REQUIRED_SETTINGS) expect(names, `app setting ${name}`).toContain(name);
  });

  it("sets the identity-based storage, identity and behaviour settings the app and host read", () => {
    const names = appSettingNames();
    for (const name of [
      "AzureWebJobsStorage__credential",
      "AzureWebJobsStorage__clientId",
      "AzureWebJobsStorage__blobServiceUri",
      "AzureWebJobsStorage__queueServiceUri",
      "AzureWebJobsStorage__tableServiceUri",
      "AZURE_CLIENT_ID",
      "TABLE_PREFIX",
      "SYNC_TIMER_SCHEDULE",
      "SYNC_NOW_DAILY_LIMIT",
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
      "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ]) {
      expect(names, `app setting ${name}`).toContain(name);
    }
    const settings = objectProperties(property(resourcesOfType(functionApp, "Microsoft.Web/sites/config")[0]!.body, "properties")!);
    expect(settings.get("AzureWebJobsStorage__credential")).toBe("'managedidentity'");
    expect(settings.get("AzureWebJobsStorage__clientId")).toBe("identityClientId");
    expect(settings.get("AZURE_CLIENT_ID")).toBe("identityClientId");
    expect(settings.get("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")).toBe("'ClientId=${identityClientId};Authorization=AAD'");
  });

  it("gives the Node worker a heap of half the instance memory, as the bench measures", () => {
    const settings = objectProperties(property(resourcesOfType(functionApp, "Microsoft.Web/sites/config")[0]!.body, "properties")!);
    expect(settings.get("languageWorkers__node__arguments")).toBe("'--max-old-space-size=${instanceMemoryMB / 2}'");
    expect(functionApp).toMatch(/^param instanceMemoryMB int = 2048$/m);
  });

  it("sets no keyed connection string, local-only variable or setting Flex Consumption rejects", () => {
    const names = appSettingNames();
    for (const name of [
      "AzureWebJobsStorage",
      "SERVICE_CLIENT_SECRET",
      "SERVICE_TENANT_ID",
      "SERVICE_AUTHORITY_HOST",
      "CLOUD_AUTHORITY_HOST_OVERRIDE",
      "CLOUD_GRAPH_BASE_URL_OVERRIDE",
      "FUNCTIONS_WORKER_RUNTIME",
      "FUNCTIONS_EXTENSION_VERSION",
      "WEBSITE_NODE_DEFAULT_VERSION",
      "WEBSITE_RUN_FROM_PACKAGE",
      "APPINSIGHTS_INSTRUMENTATIONKEY",
    ]) {
      expect(names, `app setting ${name}`).not.toContain(name);
    }
  });

  it("runs on a Flex Consumption FC1 plan with Node 22 or later", () => {
    expect(property(plan!.body, "sku.name")).toBe("'FC1'");
    expect(property(plan!.body, "sku.tier")).toBe("'FlexConsumption'");
    expect(property(site!.body, "properties.serverFarmId")).toBe("plan.id");
    const runtime = property(site!.body, "properties.functionAppConfig.runtime")!;
    expect(property(runtime, "name")).toBe("'node'");
    const versionExpr = property(runtime, "version")!;
    const defaultVersion = /^param nodeVersion string = '(\d+)'/m.exec(functionApp)?.[1];
    const mainVersion = /^param nodeVersion string = '(\d+)'/m.exec(main)?.[1];
    expect(versionExpr).toBe("nodeVersion");
    expect(Number(defaultVersion)).toBeGreaterThanOrEqual(22);
    expect(Number(mainVersion)).toBeGreaterThanOrEqual(22);
  });

  it("keeps one always-ready instance for the durable trigger group", () => {
    const scale = property(site!.body, "properties.functionAppConfig.scaleAndConcurrency")!;
    const alwaysReady = objectProperties(scale).get("alwaysReady")!;
    const entries = [...alwaysReady.matchAll(/\{([^{}]*)\}/g)].map((m) => objectProperties(`{${m[1]}}`));
    const durable = entries.filter((e) => e.get("name") === "'durable'");
    expect(durable).toHaveLength(1);
    expect(durable[0]!.get("instanceCount")).toBe("1");
  });

  it("deploys from the blob container with the user-assigned identity, which is the app's only identity", () => {
    const storage = property(site!.body, "properties.functionAppConfig.deployment.storage")!;
    expect(property(storage, "type")).toBe("'blobContainer'");
    expect(property(storage, "authentication.type")).toBe("'UserAssignedIdentity'");
    expect(property(storage, "authentication.userAssignedIdentityResourceId")).toBe("identityId");
    expect(property(site!.body, "identity.type")).toBe("'UserAssigned'");
    expect(objectProperties(property(site!.body, "identity.userAssignedIdentities")!).size).toBe(1);
    const identities = bicepFiles().flatMap((f) =>
      resourcesOfType(read(f), "Microsoft.ManagedIdentity/userAssignedIdentities").filter((d) => !d.existing),
    );
    expect(identities).toHaveLength(1);
  });

  it("is tagged for azd as the service azure.yaml deploys", () => {
    expect(property(site!.body, "tags")).toContain("'azd-service-name': serviceName");
    expect(functionApp).toMatch(/^param serviceName string = 'api'/m);
    const yaml = readYamlMap(read("azure.yaml")) as { services?: Record<string, Record<string, string>> };
    expect(Object.keys(yaml.services ?? {})).toEqual(["api", "portal"]);
  });

  it("derives API_ISSUER and API_JWKS_URI from the API tenant parameter", () => {
    expect(main).toMatch(/var effectiveApiTenantId = empty\(apiTenantId\) \? tenant\(\)\.tenantId : apiTenantId/);
    expect(main).toMatch(/var authority = '.*\$\{effectiveApiTenantId\}'/);
    expect(main).toMatch(/var apiIssuer = '\$\{authority\}\/v2\.0'/);
    expect(main).toMatch(/var apiJwksUri = '\$\{authority\}\/discovery\/v2\.0\/keys'/);
    const [api] = declarations(main).filter((d) => d.kind === "module" && d.symbol === "api");
    expect(property(api!.body, "params.apiIssuer")).toBe("apiIssuer");
    expect(property(api!.body, "params.apiJwksUri")).toBe("apiJwksUri");
    expect(property(api!.body, "params.apiAudience")).toBe("apiAudience");
  });
});

describe("azd", () => {
  it("azure.yaml deploys the project folder as a TypeScript function", () => {
    const yaml = readYamlMap(read("azure.yaml")) as { name?: string; services?: Record<string, Record<string, string>> };
    expect(yaml.name).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
    const api = yaml.services?.["api"];
    expect(api).toBeDefined();
    expect(api!["project"]).toBe(".");
    expect(api!["language"]).toBe("ts");
    expect(api!["host"]).toBe("function");
  });

  it("main.bicep outputs what azd and the app need", () => {
    const outputs = [...main.matchAll(/^output\s+(\w+)\s+\w+\s*=/gm)].map((m) => m[1]);
    expect(outputs).toEqual(
      expect.arrayContaining([
        "AZURE_LOCATION",
        "AZURE_TENANT_ID",
        "AZURE_FUNCTION_APP_NAME",
        "KEY_VAULT_URL",
        "AZURE_STORAGE_TABLE_ENDPOINT",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
      ]),
    );
  });
});
