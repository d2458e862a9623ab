import { defaultSpec } from "./graph/spec.js";
import { READ_PERMISSIONS } from "./model.js";
import type { SimRegistry, SimTenant } from "./registry.js";

/** The service's own tenant: its identity (Key Vault) and the portal's API clients. */
export const SERVICE = Object.freeze({
  domain: "entrasync-service.onmicrosoft.com",
  apiAudience: "api://entra-sync",
  identityApp: "entra-sync-function",
  adminApp: "portal-admin",
  readerApp: "portal-reader",
});

export const CONNECTOR_APP = "Entra Sync Connector";

/**
 * The seeded customer tenants, in the order later checks rely on:
 * demo (every read permission), a second one with GroupMember.ReadWrite.All,
 * and a third without Device.Read.All and Application.Read.All.
 * Contoso has Entra ID P2, Fabrikam P1 only, Northwind neither (sign-in activity and PIM refused).
 */
export function seedTenants(registry: SimRegistry): { customers: SimTenant[]; service: SimTenant } {
  const service = registry.addTenant({
    displayName: "Entra Sync (service)",
    domain: SERVICE.domain,
    spec: defaultSpec({ seed: 1, users: 5, groups: 2, devices: 0, applications: 1, extraServicePrincipals: 0, managedIdentities: 0, administrativeUnits: 0, largeGroupMembers: 3, avgGroupMembers: 2 }),
    apps: [
      { displayName: SERVICE.identityApp, grantedPermissions: [] },
      { displayName: SERVICE.adminApp, grantedPermissions: ["Sync.Admin"] },
      { displayName: SERVICE.readerApp, grantedPermissions: ["Sync.Reader"] },
    ],
  });
  const readAll = [...READ_PERMISSIONS];
  const customers = [
    registry.addTenant({
      displayName: "Contoso (demo)",
      domain: "contoso.onmicrosoft.com",
      // Small enough that npm start's first sync is quick on Azurite, whose point lookups scan the partition (lokijs findOne).
      spec: defaultSpec({ seed: 101, users: 1000, groups: 100, largeGroupMembers: 600, devices: 300 }),
      apps: [{ displayName: CONNECTOR_APP, grantedPermissions: readAll }],
    }),
    registry.addTenant({
      displayName: "Fabrikam",
      domain: "fabrikam.onmicrosoft.com",
      spec: defaultSpec({ seed: 202, users: 1500, groups: 150, licences: { p1: true, p2: false } }),
      apps: [
        {
          displayName: CONNECTOR_APP,
          grantedPermissions: [...readAll, "GroupMember.ReadWrite.All", "RoleManagement.ReadWrite.Directory"],
        },
      ],
    }),
    registry.addTenant({
      displayName: "Northwind (limited consent)",
      domain: "northwind.onmicrosoft.com",
      spec: defaultSpec({ seed: 303, users: 1300, groups: 120, licences: { p1: false, p2: false } }),
      apps: [
        {
          displayName: CONNECTOR_APP,
          grantedPermissions: readAll.filter((p) => p !== "Device.Read.All" && p !== "Application.Read.All"),
        },
      ],
    }),
  ];
  return { customers, service };
}
