import { z } from "zod";
import type { EndpointOverrides } from "../domain/endpoints.js";
import { hostKey } from "./clouds.js";

/** A setting is missing or malformed: the deployment's fault, reported at start. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Configuration error in ${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

const httpsUrl = z.url({ protocol: /^https$/ }).transform((u) => u.replace(/\/+$/, ""));
const anyUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""));
/** Comma-separated `host` or `host:port` (443 by default), lowercased as URL parsing does. */
const hostList = z.string().transform((value, ctx) => {
  const out: string[] = [];
  for (const item of value.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    let u: URL | undefined;
    try {
      u = new URL(`https://${item}`);
    } catch {
      u = undefined;
    }
    if (!u || item.includes("@") || item.includes("/") || item.includes("?") || item.includes("#")) {
      ctx.addIssue({ code: "custom", message: `'${item}' is not a host or host:port` });
      return z.NEVER;
    }
    out.push(hostKey(u));
  }
  return out;
});
const optional = <T extends z.ZodTypeAny>(s: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), s.optional());

/** A full pass of each per-parent kind daily: what no change signal showed is caught within a day. */
export const DEFAULT_FULL_PASS_HOURS = 24;

/**
 * Every environment variable the service reads. infra/ sets each required
 * one in the Function App's app settings (a structural test holds this).
 */
const envSchema = z.object({
  // Table Storage: a connection string (local, Azurite) or identity-based URIs (Azure).
  AzureWebJobsStorage: optional(z.string().min(1)),
  AzureWebJobsStorage__tableServiceUri: optional(anyUrl),
  AzureWebJobsStorage__clientId: optional(z.string().min(1)),
  KEY_VAULT_URL: httpsUrl,
  /** Client ID of the user-assigned managed identity in Azure. */
  AZURE_CLIENT_ID: optional(z.string().min(1)),
  /** Local runtime only: a client secret identity in place of managed identity. */
  SERVICE_TENANT_ID: optional(z.string().min(1)),
  SERVICE_CLIENT_SECRET: optional(z.string().min(1)),
  SERVICE_AUTHORITY_HOST: optional(httpsUrl),
  // The portal API's own app registration: its client ID (the `aud` of v2 tokens) and/or App ID URI, comma-separated.
  API_AUDIENCE: z
    .string()
    .transform((v) => v.split(",").map((a) => a.trim()).filter((a) => a !== ""))
    .pipe(z.array(z.string()).min(1, "the API's client ID and/or App ID URI, comma-separated")),
  /** Where callers reach the API (scheme and host, no /api); URLs in answers are built from it, never from Host. */
  PUBLIC_BASE_URL: optional(anyUrl),
  API_ISSUER: httpsUrl,
  API_JWKS_URI: httpsUrl,
  TABLE_PREFIX: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/, "letters and digits, starting with a letter, at most 40")
    .default("sync"),
  SYNC_TIMER_SCHEDULE: z.string().default("0 */5 * * * *"),
  SYNC_NOW_DAILY_LIMIT: z.coerce.number().int().min(1).max(100).default(4),
  /** Time one stream activity works before it returns a continuation. */
  SYNC_STREAM_BUDGET_SECONDS: z.coerce.number().min(0).max(1800).default(240),
  /** Hours between two passes of users' signInActivity (a full list, throttled to 10 requests a minute by Graph); 0: every run. */
  SIGN_IN_ACTIVITY_INTERVAL_HOURS: z.coerce.number().min(0).max(168).default(6),
  /** Days the directory audit feed is kept. */
  DIRECTORY_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Minutes the feed reads again behind its newest entry, for entries Graph logs late. */
  DIRECTORY_AUDIT_OVERLAP_MINUTES: z.coerce.number().min(0).max(1440).default(5),
  /** Days the change feed (GET /tenants/{id}/changes) keeps its entries; an older cursor answers 410. */
  CHANGE_FEED_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  /** Hours between full passes of the per-parent kinds (app role assignments); between them only changed parents are read. */
  SYNC_FULL_PASS_HOURS: z.coerce.number().min(1).max(24 * 30).default(DEFAULT_FULL_PASS_HOURS),
  /** Local runtime only: point every cloud at the simulated Azure. */
  CLOUD_AUTHORITY_HOST_OVERRIDE: optional(httpsUrl),
  CLOUD_GRAPH_BASE_URL_OVERRIDE: optional(httpsUrl),
  /** Hosts a tenant's endpoint override may name beyond its cloud's documented ones (the local runtime: the simulator). */
  ENDPOINT_ALLOWED_HOSTS: hostList.default([]),
  /** Where Graph posts change notifications; default PUBLIC_BASE_URL + /api/notifications/graph. */
  NOTIFICATION_URL: optional(anyUrl),
  /** Continuous sync: a tenant's run starts once no notification came for this long… */
  NOTIFICATION_QUIET_SECONDS: z.coerce.number().min(0).max(600).default(10),
  /** …or this long after the first one of a burst. */
  NOTIFICATION_MAX_DELAY_SECONDS: z.coerce.number().min(0).max(3600).default(60),
  // The shared Graph throttling budget (src/graph/budget/); defaults from concepts/throttling-limits.md.
  GRAPH_BUDGET_ENABLED: z.enum(["true", "false"]).default("true"),
  GRAPH_APP_BUDGET_RU: z.coerce.number().positive().max(10_000_000).default(150_000),
  GRAPH_APP_BUDGET_WINDOW_SECONDS: z.coerce.number().positive().max(3600).default(20),
  /** Unset: by the tenant's size (3,500 / 5,000 / 8,000 under 50 / to 500 / above 500 users). */
  GRAPH_TENANT_BUDGET_RU: optional(z.coerce.number().positive().max(10_000_000)),
  GRAPH_TENANT_BUDGET_WINDOW_SECONDS: z.coerce.number().positive().max(3600).default(10),
  /** Resource units taken from the budget table at a time. */
  GRAPH_BUDGET_CHUNK_RU: z.coerce.number().int().min(1).max(100_000).default(200),
});

export const REQUIRED_SETTINGS: readonly string[] = Object.freeze(
  Object.entries(envSchema.shape)
    .filter(([, s]) => !s.safeParse(undefined).success)
    .map(([k]) => k),
);

export type TableAccess =
  | { readonly kind: "connectionString"; readonly connectionString: string }
  | { readonly kind: "identity"; readonly tableServiceUri: string; readonly clientId: string | undefined };

export type ServiceIdentity =
  | { readonly kind: "managedIdentity"; readonly clientId: string | undefined }
  | {
      readonly kind: "clientSecret";
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly authorityHost: string;
    };

/** The shared Graph throttling budget: per app across tenants, and per app and tenant. */
export interface GraphBudgetSettings {
  readonly enabled: boolean;
  readonly appRu: number;
  readonly appWindowMs: number;
  /** undefined: by the tenant's size. */
  readonly tenantRu: number | undefined;
  readonly tenantWindowMs: number;
  readonly chunkRu: number;
}

export interface Config {
  readonly tables: TableAccess;
  readonly tablePrefix: string;
  readonly keyVaultUrl: string;
  readonly serviceIdentity: ServiceIdentity;
  readonly api: { readonly audience: readonly string[]; readonly issuer: string; readonly jwksUri: string };
  /** PUBLIC_BASE_URL, when set. */
  readonly publicBaseUrl: string | undefined;
  readonly syncTimerSchedule: string;
  readonly syncNowDailyLimit: number;
  readonly streamBudgetMs: number;
  readonly signInActivityIntervalMs: number;
  readonly directoryAudits: { readonly retentionMs: number; readonly overlapMs: number };
  readonly changeFeed: { readonly retentionMs: number };
  /** Longest time between full passes of a per-parent kind. */
  readonly fullPassMs: number;
  readonly cloudOverride: EndpointOverrides;
  /** `host:port` entries a tenant's endpoint override may use besides its cloud's documented hosts. */
  readonly endpointAllowedHosts: readonly string[];
  /** Continuous sync (src/notifications/). */
  readonly notifications: { readonly url: string | undefined; readonly quietMs: number; readonly maxDelayMs: number };
  readonly graphBudget: GraphBudgetSettings;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Parses the environment once. Throws ConfigError naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    const issue = r.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    throw new ConfigError(variable, issue?.message ?? "invalid");
  }
  const e = r.data;

  let tables: TableAccess;
  if (e.AzureWebJobsStorage) {
    tables = { kind: "connectionString", connectionString: e.AzureWebJobsStorage };
  } else if (e.AzureWebJobsStorage__tableServiceUri) {
    tables = { kind: "identity", tableServiceUri: e.AzureWebJobsStorage__tableServiceUri, clientId: e.AzureWebJobsStorage__clientId };
  } else {
    throw new ConfigError("AzureWebJobsStorage", "set a connection string, or AzureWebJobsStorage__tableServiceUri for identity-based access");
  }

  let serviceIdentity: ServiceIdentity;
  if (e.SERVICE_CLIENT_SECRET) {
    if (!e.SERVICE_TENANT_ID) throw new ConfigError("SERVICE_TENANT_ID", "required with SERVICE_CLIENT_SECRET");
    if (!e.AZURE_CLIENT_ID) throw new ConfigError("AZURE_CLIENT_ID", "required with SERVICE_CLIENT_SECRET");
    serviceIdentity = {
      kind: "clientSecret",
      tenantId: e.SERVICE_TENANT_ID,
      clientId: e.AZURE_CLIENT_ID,
      clientSecret: e.SERVICE_CLIENT_SECRET,
      authorityHost: e.SERVICE_AUTHORITY_HOST ?? "https://login.microsoftonline.com",
    };
  } else {
    serviceIdentity = { kind: "managedIdentity", clientId: e.AZURE_CLIENT_ID };
  }

  const cloudOverride: EndpointOverrides = {
    ...(e.CLOUD_AUTHORITY_HOST_OVERRIDE ? { authorityHost: e.CLOUD_AUTHORITY_HOST_OVERRIDE } : {}),
    ...(e.CLOUD_GRAPH_BASE_URL_OVERRIDE ? { graphBaseUrl: e.CLOUD_GRAPH_BASE_URL_OVERRIDE } : {}),
  };

  return deepFreeze({
    tables,
    tablePrefix: e.TABLE_PREFIX,
    keyVaultUrl: e.KEY_VAULT_URL,
    serviceIdentity,
    api: { audience: e.API_AUDIENCE, issuer: e.API_ISSUER, jwksUri: e.API_JWKS_URI },
    publicBaseUrl: e.PUBLIC_BASE_URL,
    syncTimerSchedule: e.SYNC_TIMER_SCHEDULE,
    syncNowDailyLimit: e.SYNC_NOW_DAILY_LIMIT,
    streamBudgetMs: e.SYNC_STREAM_BUDGET_SECONDS * 1000,
    signInActivityIntervalMs: e.SIGN_IN_ACTIVITY_INTERVAL_HOURS * 3_600_000,
    directoryAudits: { retentionMs: e.DIRECTORY_AUDIT_RETENTION_DAYS * 86_400_000, overlapMs: e.DIRECTORY_AUDIT_OVERLAP_MINUTES * 60_000 },
    changeFeed: { retentionMs: e.CHANGE_FEED_RETENTION_DAYS * 86_400_000 },
    fullPassMs: e.SYNC_FULL_PASS_HOURS * 3_600_000,
    cloudOverride,
    endpointAllowedHosts: e.ENDPOINT_ALLOWED_HOSTS,
    notifications: {
      url: e.NOTIFICATION_URL ?? (e.PUBLIC_BASE_URL ? `${e.PUBLIC_BASE_URL}/api/notifications/graph` : undefined),
      quietMs: e.NOTIFICATION_QUIET_SECONDS * 1000,
      maxDelayMs: e.NOTIFICATION_MAX_DELAY_SECONDS * 1000,
    },
    graphBudget: {
      enabled: e.GRAPH_BUDGET_ENABLED === "true",
      appRu: e.GRAPH_APP_BUDGET_RU,
      appWindowMs: e.GRAPH_APP_BUDGET_WINDOW_SECONDS * 1000,
      tenantRu: e.GRAPH_TENANT_BUDGET_RU,
      tenantWindowMs: e.GRAPH_TENANT_BUDGET_WINDOW_SECONDS * 1000,
      chunkRu: e.GRAPH_BUDGET_CHUNK_RU,
    },
  });
}

let cached: Config | undefined;

/** The process-wide config, parsed on first use from process.env. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
