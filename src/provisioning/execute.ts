import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import type { Services } from "../services.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { appGrants, type AppGrants } from "./app-token.js";
import { missingPermission, PROVISIONING_PERMISSIONS, type ProvisioningAction } from "./permissions.js";

export interface Actor {
  readonly id: string;
  readonly name: string | null;
}

/** Why an action was not done, as the API answers it (4xx, never 5xx). */
export interface Refusal {
  readonly status: 400 | 403 | 404 | 409;
  readonly code: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

export interface Done<T> {
  readonly changed: boolean;
  /** What happened, as audited: created, alreadyExists, enabled, … */
  readonly result: string;
  readonly value: T;
}

export type Outcome<T> = ({ readonly kind: "done" } & Done<T>) | { readonly kind: "refused"; readonly refusal: Refusal };

export interface WriteContext {
  readonly services: Services;
  readonly tenant: TenantRecord;
  readonly grants: AppGrants;
  readonly client: Client;
}

export interface WriteSteps<T> {
  /** Checks before any Graph write; a refusal stops here. */
  readonly guard?: (ctx: WriteContext) => Promise<Refusal | undefined>;
  /** The Graph write and the write-through to the store; Graph's "already so" answers count as done. */
  readonly write: (ctx: WriteContext) => Promise<Done<T>>;
  /** Graph's own refusals of this action, mapped to clear reasons. */
  readonly graphRefusal?: (err: GraphError) => Refusal | undefined;
}

export const isGraphError = (err: unknown, status?: number): err is GraphError => err instanceof GraphError && (status === undefined || err.statusCode === status);

/** Graph's verdict on a request (4xx), in the API's terms; undefined for a failure (5xx, network). */
function genericRefusal(err: GraphError): Refusal | undefined {
  const details = { graphCode: err.code ?? "" };
  if (err.statusCode === 400) return { status: 400, code: "GraphRejected", message: `Graph refused the change: ${err.message}`, details };
  if (err.statusCode === 404) return { status: 404, code: "NotFound", message: `Graph does not know the object: ${err.message}`, details };
  if (err.statusCode === 403) return { status: 403, code: "GraphDenied", message: `Graph denied the change (${err.code ?? "Forbidden"}): the app lacks a permission or directory role it needs.`, details };
  if (err.statusCode === 409) return { status: 409, code: "GraphConflict", message: `Graph refused the change: ${err.message}`, details };
  return undefined;
}

/**
 * One provisioning action: the permission check and the guards run before
 * any Graph write; Graph's refusals are mapped to 4xx; every attempt is
 * audited with who, when, tenant, target, action and result.
 */
export async function provision<T>(services: Services, tenant: TenantRecord, actor: Actor, action: ProvisioningAction, target: string, steps: WriteSteps<T>): Promise<Outcome<T>> {
  const record = (result: string) =>
    services.audit.add({ at: new Date().toISOString(), tenantId: tenant.id, actorId: actor.id, actorName: actor.name, action, groupId: "", memberId: "", target, result });
  const refuse = async (refusal: Refusal): Promise<Outcome<T>> => {
    await record(`refused:${refusal.code}`);
    return { kind: "refused", refusal };
  };
  const grants = await appGrants(services, tenant);
  const missing = missingPermission(action, grants.roles);
  if (missing) {
    const others = PROVISIONING_PERMISSIONS[action].slice(1).join(", ");
    return refuse({ status: 403, code: "MissingPermission", message: `The tenant's app lacks the Graph application permission ${missing}${others ? ` (or ${others})` : ""} needed for ${action}.`, details: { permission: missing } });
  }
  const ctx: WriteContext = { services, tenant, grants, client: await services.graphFor(tenant) };
  const refusal = steps.guard ? await steps.guard(ctx) : undefined;
  if (refusal) return refuse(refusal);
  try {
    const done = await steps.write(ctx);
    await record(done.result);
    return { kind: "done", ...done };
  } catch (err) {
    const mapped = isGraphError(err) ? (steps.graphRefusal?.(err) ?? genericRefusal(err)) : undefined;
    if (mapped) return refuse(mapped);
    await record(`failed:${isGraphError(err) ? `${err.statusCode} ${err.code ?? ""}`.trim() : "error"}`);
    throw err;
  }
}
