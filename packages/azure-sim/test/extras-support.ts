import type { Client } from "@microsoft/microsoft-graph-client";
import { inject } from "vitest";
import { resolveEndpoints } from "../../../src/config/clouds.js";
import { createGraphClient } from "../../../src/graph/client.js";
import { customerCredential } from "../../../src/graph/credential.js";
import { READ_PERMISSIONS } from "../src/model.js";
import { simPost } from "../../../test/support/sim.js";

export interface Created {
  tenantId: string;
  apps: Array<{ clientId: string; clientSecrets: string[] }>;
  counts: Record<string, number>;
}
export interface Page<T> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}
export type Row = Record<string, unknown> & { id: string };

let serial = 0;

/** A fresh small tenant of the test's own, and a real Graph SDK client signed in to it. */
export async function extrasTenant(opts: { licences?: { p1: boolean; p2: boolean }; permissions?: readonly string[]; spec?: Record<string, number> } = {}): Promise<{ t: Created; client: Client }> {
  const sim = inject("sim");
  const endpoints = resolveEndpoints("global", undefined, { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl });
  const name = `x14${process.pid}x${++serial}x${Date.now().toString(36)}`;
  const t = (await simPost("/_sim/tenants", {
    displayName: name,
    domain: `${name}.onmicrosoft.com`,
    spec: { seed: 40 + serial, users: 120, groups: 12, devices: 20, applications: 8, extraServicePrincipals: 4, managedIdentities: 1, administrativeUnits: 3, largeGroupMembers: 30, ...opts.spec, ...(opts.licences ? { licences: opts.licences } : {}) },
    apps: [{ displayName: "Entra Sync Connector", grantedPermissions: opts.permissions ?? [...READ_PERMISSIONS] }],
  })) as Created;
  const app = t.apps[0]!;
  return { t, client: createGraphClient(customerCredential({ tenantId: t.tenantId, clientId: app.clientId, clientSecret: app.clientSecrets[0]! }, endpoints), endpoints) };
}

/** Every page from `first` on; the deltaLink of the last page when there is one. */
export async function all<T>(client: Client, first: string): Promise<{ items: T[]; pages: number; deltaLink?: string }> {
  let page = (await client.api(first).get()) as Page<T>;
  const items = [...page.value];
  let pages = 1;
  while (page["@odata.nextLink"]) {
    page = (await client.api(page["@odata.nextLink"]).get()) as Page<T>;
    items.push(...page.value);
    pages++;
  }
  const deltaLink = page["@odata.deltaLink"];
  return deltaLink ? { items, pages, deltaLink } : { items, pages };
}
