import { z } from "zod";
import { changeCredential, type ChangeResult, type CredentialChange } from "../credentials/change.js";
import { testSavedCredential } from "../credentials/customer.js";
import { CredentialUnavailable } from "../credentials/endpoints.js";
import { endpointsSchema } from "../domain/endpoints.js";
import { filtersSchema } from "../domain/filters.js";
import { thresholdSchema } from "../domain/threshold.js";
import { nextRunAfter } from "../schedule/next-run.js";
import { scheduleSchema } from "../schedule/schema.js";
import type { Services } from "../services.js";
import type { TenantRecord, Versioned } from "../store/tenant-store.js";
import { endpointProblems, type EndpointProblem } from "./endpoint-policy.js";
import { credentialRefSchema, displayNameSchema, inlineCredentialSchema, objectTypeSchema } from "./schema.js";

const immutable = (field: string) => z.never({ error: `${field} cannot be changed; delete the tenant and add it again` }).optional();

/** Body of PATCH /tenants/{id}: tenant and cloud are immutable. */
export const patchTenantSchema = z
  .object({
    tenant: immutable("tenant"),
    cloud: immutable("cloud"),
    id: immutable("id"),
    displayName: displayNameSchema.optional(),
    enabled: z.boolean().optional(),
    objectTypes: z.array(objectTypeSchema).min(1).optional(),
    schedule: scheduleSchema.optional(),
    filters: filtersSchema.optional(),
    deletionThreshold: thresholdSchema.nullable().optional(),
    endpoints: endpointsSchema.nullable().optional(),
    fullScanNextRun: z.boolean().optional(),
    credential: z.union([inlineCredentialSchema, credentialRefSchema]).optional(),
  })
  .strict();
export type TenantPatch = z.infer<typeof patchTenantSchema>;

export type UpdateResult =
  | { readonly kind: "updated"; readonly tenant: TenantRecord; readonly etag: string }
  /** A change now could attach a profile the erase under way would leave behind. */
  | { readonly kind: "deleting" }
  | { readonly kind: "endpointRefused"; readonly problems: readonly EndpointProblem[] }
  /** New endpoints, but the saved credential or its secret is missing to test them with. */
  | { readonly kind: "credentialMissing" }
  | { readonly kind: "credentialUnusable"; readonly message: string }
  /** The row changed since it was read: nothing is left written. */
  | { readonly kind: "changed" }
  | Exclude<ChangeResult, { readonly kind: "changed" }>;

const stableJson = (v: unknown): string => JSON.stringify(v ?? null);

/**
 * Applies a PATCH to the tenant read as `cur`, guarded by its ETag. New
 * endpoints are checked, then tested with the credential (the new one, or
 * else the saved one), before anything is saved.
 */
export async function updateTenant(services: Services, cur: Versioned<TenantRecord>, body: TenantPatch, now = new Date()): Promise<UpdateResult> {
  const t = cur.value;
  if (t.status === "deleting") return { kind: "deleting" };
  const endpoints = body.endpoints === undefined ? t.endpoints : body.endpoints;
  const endpointsChanged = body.endpoints !== undefined && stableJson(body.endpoints) !== stableJson(t.endpoints);
  if (endpointsChanged) {
    const problems = endpointProblems(t.cloud, endpoints, services.config.endpointAllowedHosts);
    if (problems.length > 0) return { kind: "endpointRefused", problems };
  }
  const target: TenantRecord = { ...t, endpoints };
  const oldProfile = (await services.credentials.get(t.credentialId))?.value;
  let change: CredentialChange | undefined;
  if (body.credential) {
    const r = await changeCredential(services, target, oldProfile, body.credential);
    if (r.kind !== "changed") return r;
    change = r.change;
  } else if (endpointsChanged) {
    let report;
    try {
      report = await testSavedCredential(services, target, oldProfile);
    } catch (err) {
      // The saved profile cannot go to these endpoints: the admin's to fix, as test connection answers it.
      if (err instanceof CredentialUnavailable) return { kind: "credentialUnusable", message: err.message };
      throw err;
    }
    if (!report) return { kind: "credentialMissing" };
    if (!report.ok) return { kind: "connectionFailed", report };
  }

  const filters = body.filters ?? t.filters;
  const schedule = body.schedule ?? t.schedule;
  const enabled = body.enabled ?? t.enabled;
  const filtersChanged = body.filters !== undefined && stableJson(body.filters) !== stableJson(t.filters);
  const next = enabled ? nextRunAfter(schedule, now, t.lastSyncStart ? new Date(t.lastSyncStart) : undefined) : null;
  const updated: TenantRecord = {
    ...t,
    displayName: body.displayName ?? t.displayName,
    enabled,
    objectTypes: body.objectTypes ?? t.objectTypes,
    schedule,
    filters,
    deletionThreshold: body.deletionThreshold === undefined ? t.deletionThreshold : body.deletionThreshold,
    endpoints,
    credentialId: change?.credentialId ?? t.credentialId,
    // A filter change must remove what fell out of scope: only a full scan sees that.
    fullScanNextRun: filtersChanged || (body.fullScanNextRun ?? t.fullScanNextRun),
    nextRunAt: next ? next.toISOString() : null,
  };
  const etag = await services.tenants.replace(updated, cur.etag);
  if (etag === false) {
    await change?.undo();
    return { kind: "changed" };
  }
  await change?.commit();
  return { kind: "updated", tenant: updated, etag };
}
