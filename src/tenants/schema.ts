import { z } from "zod";
import { cloudSchema } from "../config/clouds.js";
import type { SyncedType } from "../domain/synced.js";
import { SYNCED_TYPES } from "../domain/synced.js";
import { endpointsSchema } from "../domain/endpoints.js";
import { scheduleSchema } from "../schedule/schema.js";
import { filtersSchema } from "../domain/filters.js";
import { thresholdSchema } from "../domain/threshold.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 1035 labels (letters, digits, inner hyphens, 1–63 each), at least two: no empty, dot-only or single-label name. */
const DOMAIN = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A tenant as the caller names it: its GUID or one of its verified domains. */
export const tenantRefSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(new RegExp(`${GUID.source}|${DOMAIN.source}`, "i"), "a tenant GUID or a domain");

/**
 * C0 and C1 controls (newlines, ANSI escapes), line and paragraph
 * separators, bidi embeddings, overrides and isolates (Unicode UAX #9), and
 * surrogates standing alone (with the u flag a well-formed pair is one code
 * point and does not match).
 */
const UNSAFE_TEXT = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;

/** A display name: shown in the portal and written to logs, so nothing that can forge a line or reorder text. */
export const displayNameSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => !UNSAFE_TEXT.test(s), "must not contain control characters, bidi controls or unpaired surrogates");

export const objectTypeSchema = z.enum(SYNCED_TYPES as [SyncedType, ...SyncedType[]]);

export const inlineCredentialSchema = z
  .object({
    clientId: z.uuid(),
    clientSecret: z.string().min(1).max(1024),
    secretExpiresOn: z.iso.datetime({ offset: true }).or(z.iso.date()),
  })
  .strict();

export const credentialRefSchema = z.object({ credentialId: z.uuid() }).strict();

/** Body of POST /tenants. */
export const newTenantSchema = z
  .object({
    tenant: tenantRefSchema,
    cloud: cloudSchema,
    displayName: displayNameSchema.optional(),
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
