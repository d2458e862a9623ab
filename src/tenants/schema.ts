import { z } from "zod";
import { cloudSchema } from "../config/clouds.js";
import type { SyncedType } from "../graph/resource.js";
import { SYNCED_TYPES } from "../graph/resources/index.js";
import { scheduleSchema } from "../schedule/schema.js";
import { filtersSchema } from "../sync/filters.js";
import { thresholdSchema } from "../sync/threshold.js";

const httpsUrl = z.url({ protocol: /^https$/ }).max(512);

export const objectTypeSchema = z.enum(SYNCED_TYPES as [SyncedType, ...SyncedType[]]);

export const inlineCredentialSchema = z
  .object({
    clientId: z.uuid(),
    clientSecret: z.string().min(1).max(1024),
    secretExpiresOn: z.iso.datetime({ offset: true }).or(z.iso.date()),
  })
  .strict();

export const credentialRefSchema = z.object({ credentialId: z.uuid() }).strict();

export const endpointsSchema = z.object({ authorityHost: httpsUrl.optional(), graphBaseUrl: httpsUrl.optional() }).strict();

/** Body of POST /tenants. */
export const newTenantSchema = z
  .object({
    tenant: z.string().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, "a tenant GUID or a domain"),
    cloud: cloudSchema,
    displayName: z.string().min(1).max(256).optional(),
    credential: z.union([inlineCredentialSchema, credentialRefSchema]),
    objectTypes: z.array(objectTypeSchema).min(1).optional(),
    schedule: scheduleSchema.optional(),
    filters: filtersSchema.optional(),
    enabled: z.boolean().optional(),
    deletionThreshold: thresholdSchema.nullable().optional(),
    endpoints: endpointsSchema.optional(),
  })
  .strict();

export type NewTenant = z.infer<typeof newTenantSchema>;
export type InlineCredential = z.infer<typeof inlineCredentialSchema>;
