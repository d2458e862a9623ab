import type { SimTenantInfo } from "../../model.js";
import type { GraphObject } from "../types.js";

export function buildOrganization(tenant: SimTenantInfo): GraphObject {
  return {
    id: tenant.tenantId,
    displayName: tenant.displayName,
    tenantType: "AAD",
    countryLetterCode: "US",
    createdDateTime: "2019-03-01T09:00:00Z",
    verifiedDomains: tenant.verifiedDomains.map((name, i) => ({
      name,
      isDefault: i === 0,
      isInitial: name.toLowerCase().endsWith(".onmicrosoft.com") || tenant.verifiedDomains.length === 1,
      type: "Managed",
      capabilities: "Email, OfficeCommunicationsOnline",
    })),
  };
}
