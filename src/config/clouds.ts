import { z } from "zod";

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

export function cloudLabel(cloud: Cloud): string {
  return CLOUD_TABLE[cloud].label;
}

/** Per-tenant overrides (C1's "Graph domain" override); both are optional. */
export interface EndpointOverrides {
  readonly authorityHost?: string | undefined;
  readonly graphBaseUrl?: string | undefined;
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
