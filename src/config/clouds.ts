import { z } from "zod";
import type { EndpointOverrides } from "../domain/endpoints.js";

export const CLOUDS = ["global", "usgov", "usgovdod", "china"] as const;
export const cloudSchema = z.enum(CLOUDS);
export type Cloud = z.infer<typeof cloudSchema>;

export interface CloudEndpoints {
  /** e.g. https://login.microsoftonline.com (no trailing slash) */
  readonly authorityHost: string;
  /** e.g. https://graph.microsoft.com (no trailing slash, no version) */
  readonly graphBaseUrl: string;
}

const CLOUD_TABLE: Readonly<Record<Cloud, CloudEndpoints & { readonly label: string }>> = Object.freeze({
  global: { label: "Global", authorityHost: "https://login.microsoftonline.com", graphBaseUrl: "https://graph.microsoft.com" },
  usgov: { label: "US Gov GCC High (L4)", authorityHost: "https://login.microsoftonline.us", graphBaseUrl: "https://graph.microsoft.us" },
  usgovdod: { label: "US Gov DoD (L5)", authorityHost: "https://login.microsoftonline.us", graphBaseUrl: "https://dod-graph.microsoft.us" },
  china: { label: "China (21Vianet)", authorityHost: "https://login.chinacloudapi.cn", graphBaseUrl: "https://microsoftgraph.chinacloudapi.cn" },
});

/**
 * The hosts each cloud documents for sign-in and Graph (concepts/deployments.md
 * in microsoftgraph/microsoft-graph-docs-contrib). US Government L4 and L5
 * share one Entra ID endpoint and app registrations, and either Graph host.
 */
const DOCUMENTED_HOSTS: Readonly<Record<Cloud, { readonly authorityHost: readonly string[]; readonly graphBaseUrl: readonly string[] }>> = Object.freeze({
  global: { authorityHost: ["login.microsoftonline.com"], graphBaseUrl: ["graph.microsoft.com"] },
  usgov: { authorityHost: ["login.microsoftonline.us"], graphBaseUrl: ["graph.microsoft.us", "dod-graph.microsoft.us"] },
  usgovdod: { authorityHost: ["login.microsoftonline.us"], graphBaseUrl: ["graph.microsoft.us", "dod-graph.microsoft.us"] },
  china: { authorityHost: ["login.chinacloudapi.cn"], graphBaseUrl: ["microsoftgraph.chinacloudapi.cn"] },
});

export const documentedHosts = (cloud: Cloud, field: keyof CloudEndpoints): readonly string[] => DOCUMENTED_HOSTS[cloud][field];

/** Clouds whose app registrations are interchangeable: one Entra ID endpoint (concepts/deployments.md). */
export const sameIdentityCloud = (a: Cloud, b: Cloud): boolean => CLOUD_TABLE[a].authorityHost === CLOUD_TABLE[b].authorityHost;

/** `host:port` as ENDPOINT_ALLOWED_HOSTS spells it (443 when the URL names none). */
export const hostKey = (u: URL): string => `${u.hostname}:${u.port === "" ? "443" : u.port}`;

export function cloudLabel(cloud: Cloud): string {
  return CLOUD_TABLE[cloud].label;
}


const trimSlash = (u: string): string => u.replace(/\/+$/, "");

/**
 * Endpoints for a tenant: the tenant's own override wins, then the
 * service-wide override (the local runtime points every cloud at the
 * simulated Azure), then the public table.
 */
export function resolveEndpoints(
  cloud: Cloud,
  tenantOverride?: EndpointOverrides,
  serviceOverride?: EndpointOverrides,
): CloudEndpoints {
  const base = CLOUD_TABLE[cloud];
  return Object.freeze({
    authorityHost: trimSlash(tenantOverride?.authorityHost ?? serviceOverride?.authorityHost ?? base.authorityHost),
    graphBaseUrl: trimSlash(tenantOverride?.graphBaseUrl ?? serviceOverride?.graphBaseUrl ?? base.graphBaseUrl),
  });
}

export const graphScope = (endpoints: CloudEndpoints): string => `${endpoints.graphBaseUrl}/.default`;
