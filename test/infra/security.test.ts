import { describe, it, expect } from "vitest";
import { bicepFiles, infraFiles, objectProperties, property, read, resourcesOfType, stripComments, variable } from "./bicep.js";

/** Built-in role definition IDs (learn.microsoft.com, Azure built-in roles). */
const ROLES = {
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
} as const;

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

describe("no shared keys", () => {
  const files = infraFiles();

  it("no file in infra/ reads or embeds a storage key, SAS or keyed connection string", () => {
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = read(file);
      for (const banned of [/listKeys\s*\(/i, /listAccountSas\s*\(/i, /listServiceSas\s*\(/i, /AccountKey\s*=/i, /SharedAccessKey/i, /SharedAccessSignature/i, /primaryKey/i, /InstrumentationKey\s*=/i]) {
        expect(banned.test(text), `${file} matches ${banned}`).toBe(false);
      }
      // A connection string is only ever the App Insights one (no key, Entra auth).
      for (const m of text.matchAll(/([\w.]*ConnectionString\w*)/gi)) {
        expect(m[1]!.toLowerCase(), `${file}: ${m[1]}`).toMatch(/applicationinsights/);
      }
    }
  });

  it("the storage account refuses shared-key access, public blobs and old TLS", () => {
    const [account] = resourcesOfType(read("infra/modules/storage.bicep"), "Microsoft.Storage/storageAccounts").filter((d) => !d.existing);
    expect(account).toBeDefined();
    const props = objectProperties(property(account!.body, "properties")!);
    expect(props.get("allowSharedKeyAccess")).toBe("false");
    expect(props.get("allowBlobPublicAccess")).toBe("false");
    expect(props.get("minimumTlsVersion")).toBe("'TLS1_2'");
    expect(props.get("supportsHttpsTrafficOnly")).toBe("true");
  });

  it("Application Insights accepts only Entra-authenticated telemetry", () => {
    const [ai] = resourcesOfType(read("infra/modules/monitoring.bicep"), "Microsoft.Insights/components");
    expect(property(ai!.body, "properties.DisableLocalAuth")).toBe("true");
    expect(property(ai!.body, "properties.WorkspaceResourceId")).toBe("logAnalytics.id");
  });
});

describe("Key Vault", () => {
  const [vault] = resourcesOfType(read("infra/modules/keyvault.bicep"), "Microsoft.KeyVault/vaults").filter((d) => !d.existing);

  it("uses Azure RBAC, soft delete and purge protection", () => {
    expect(vault).toBeDefined();
    const props = objectProperties(property(vault!.body, "properties")!);
    expect(props.get("enableRbacAuthorization")).toBe("true");
    expect(props.get("enableSoftDelete")).toBe("true");
    expect(props.get("enablePurgeProtection")).toBe("true");
    expect(props.get("softDeleteRetentionInDays")).toBe("softDeleteRetentionInDays");
    expect(props.has("accessPolicies")).toBe(false);
    expect(read("infra/modules/keyvault.bicep")).toMatch(/@minValue\(7\)\s*@maxValue\(90\)\s*param softDeleteRetentionInDays int = 90/);
  });
});

describe("role assignments", () => {
  const rbac = read("infra/modules/rbac.bicep");

  it("uses exactly the five built-in role definition IDs, under the right names", () => {
    const roleIds = variable(rbac, "roleIds")!;
    const declared = Object.fromEntries([...objectProperties(roleIds)].map(([k, v]) => [k, v.replace(/'/g, "")]));
    expect(declared).toEqual(ROLES);
  });

  it("names no other role definition GUID anywhere in infra/", () => {
    const known = new Set<string>(Object.values(ROLES));
    for (const file of bicepFiles()) {
      for (const m of stripComments(read(file)).matchAll(GUID)) {
        expect(known.has(m[0].toLowerCase()), `${file}: unexpected GUID ${m[0]}`).toBe(true);
      }
    }
  });

  it("names every assignment guid(scope, principal, role) and scopes it to that resource", () => {
    const assignments = bicepFiles().flatMap((f) =>
      resourcesOfType(read(f), "Microsoft.Authorization/roleAssignments").map((d) => ({ file: f, d })),
    );
    expect(assignments.length).toBe(3);
    for (const { file, d } of assignments) {
      const where = `${file}: ${d.symbol}`;
      expect(file, where).toBe("infra/modules/rbac.bicep");
      const scope = property(d.body, "scope")!;
      const name = property(d.body, "name")!;
      const m = /^guid\(\s*(\w+)\.id\s*,\s*principalId\s*,\s*([\w.]+)\s*\)$/.exec(name);
      expect(m, `${where}: name ${name}`).not.toBeNull();
      expect(m![1], `${where}: guid() starts with the scope's id`).toBe(scope);
      const roleExpr = m![2]!;
      expect(property(d.body, "properties.roleDefinitionId")).toBe(
        `subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ${roleExpr})`,
      );
      expect(property(d.body, "properties.principalId")).toBe("principalId");
      expect(property(d.body, "properties.principalType")).toBe("principalType");
    }
  });

  it("gives storage the three data roles, the vault Secrets Officer and App Insights Metrics Publisher", () => {
    const storageRoles = variable(rbac, "storageRoleIds")!;
    expect([...storageRoles.matchAll(/roleIds\.(\w+)/g)].map((m) => m[1]).sort()).toEqual(
      ["storageBlobDataOwner", "storageQueueDataContributor", "storageTableDataContributor"],
    );
    const byScope = new Map(
      resourcesOfType(rbac, "Microsoft.Authorization/roleAssignments").map((d) => [property(d.body, "scope"), d]),
    );
    expect(byScope.get("storage")!.head).toMatch(/^\[\s*for roleId in storageRoleIds:$/);
    expect(property(byScope.get("vault")!.body, "name")).toContain("roleIds.keyVaultSecretsOfficer");
    expect(property(byScope.get("applicationInsights")!.body, "name")).toContain("roleIds.monitoringMetricsPublisher");
  });

  it("assigns the roles to the app identity, and to the deploying user only when principalId is set", () => {
    const main = read("infra/main.bicep");
    expect(main).toMatch(/module appRoles 'modules\/rbac\.bicep' = \{[\s\S]*?principalId: identity\.outputs\.principalId\s*\n\s*principalType: 'ServicePrincipal'/);
    expect(main).toMatch(/module userRoles 'modules\/rbac\.bicep' = if \(!empty\(principalId\)\) \{[\s\S]*?principalType: principalType/);
    expect(main).toMatch(/^param principalType string = 'User'/m);
  });
});
