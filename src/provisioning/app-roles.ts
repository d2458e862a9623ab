import type { Json } from "../domain/graph-object.js";
import { textOf } from "../domain/text.js";
import type { Services } from "../services.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { isGraphError, provision, type Actor, type Outcome } from "./execute.js";
import { putObject, removeObject } from "./store-write.js";

/** The default access role, valid only for an app that defines no app roles (approleassignment.md). */
const DEFAULT_APP_ROLE = "00000000-0000-0000-0000-000000000000";
const EXISTS = /already exists/i;

interface AppRole {
  readonly id: string;
  readonly value?: string | null;
  readonly isEnabled?: boolean;
}

async function* assignmentsOf(services: Services, tenant: TenantRecord, spId: string): AsyncGenerator<Record<string, Json>> {
  const client = await services.graphFor(tenant);
  let page = (await client.api(`/servicePrincipals/${spId}/appRoleAssignedTo`).top(999).get()) as { value: Array<Record<string, Json>>; "@odata.nextLink"?: string };
  for (;;) {
    yield* page.value;
    const next = page["@odata.nextLink"];
    if (!next) return;
    page = (await client.api(next).get()) as typeof page;
  }
}

/**
 * Grants an app role of an enterprise app to a user or group
 * (serviceprincipal-post-approleassignedto.md); the app role ID is checked
 * against the service principal's appRoles first. Graph's "already exists"
 * counts as done, with the existing assignment.
 */
export function grantAppRole(services: Services, tenant: TenantRecord, actor: Actor, spId: string, principalId: string, appRoleId: string): Promise<Outcome<{ assignmentId: string }>> {
  return provision(services, tenant, actor, "grantAppRole", `servicePrincipals/${spId}/appRoleAssignedTo/${principalId}`, {
    async guard(ctx) {
      let sp: { appRoles?: AppRole[]; displayName?: string };
      try {
        sp = (await ctx.client.api(`/servicePrincipals/${spId}`).select(["id", "displayName", "appRoles"]).get()) as typeof sp;
      } catch (err) {
        if (isGraphError(err, 404)) return { status: 404, code: "NotFound", message: `Service principal '${spId}' does not exist.` };
        throw err;
      }
      const roles = (sp.appRoles ?? []).filter((r) => r.isEnabled !== false);
      const valid = roles.length === 0 ? appRoleId === DEFAULT_APP_ROLE : roles.some((r) => r.id.toLowerCase() === appRoleId);
      if (valid) return undefined;
      const known = roles.length === 0 ? `it defines no app roles, so only the default access role ${DEFAULT_APP_ROLE}` : roles.map((r) => `${r.id} (${r.value ?? ""})`).join(", ");
      return { status: 400, code: "UnknownAppRole", message: `App role '${appRoleId}' is not one of the enabled app roles of ${sp.displayName ?? spId}: ${known}.`, details: { appRoles: roles.map((r) => r.id) } };
    },
    async write(ctx) {
      let created: Record<string, Json> | undefined;
      let already = false;
      try {
        created = (await ctx.client.api(`/servicePrincipals/${spId}/appRoleAssignedTo`).post({ principalId, resourceId: spId, appRoleId })) as Record<string, Json>;
      } catch (err) {
        if (!(isGraphError(err, 400) && EXISTS.test(err.message))) throw err;
        already = true;
      }
      if (!created) {
        for await (const a of assignmentsOf(services, tenant, spId)) if (a.principalId === principalId && textOf(a.appRoleId).toLowerCase() === appRoleId) created = a;
      }
      const assignmentId = textOf(created?.id);
      if (created) await putObject(services, tenant.id, "appRoleAssignments", assignmentId, created);
      return { changed: !already, result: already ? "alreadyGranted" : "granted", value: { assignmentId } };
    },
  });
}

/** Revokes an app role assignment (serviceprincipal-delete-approleassignedto.md); Graph's 404 means already gone. */
export function revokeAppRole(services: Services, tenant: TenantRecord, actor: Actor, spId: string, assignmentId: string): Promise<Outcome<{ assignmentId: string }>> {
  return provision(services, tenant, actor, "revokeAppRole", `servicePrincipals/${spId}/appRoleAssignedTo/${assignmentId}`, {
    async write(ctx) {
      let changed = true;
      try {
        await ctx.client.api(`/servicePrincipals/${spId}/appRoleAssignedTo/${assignmentId}`).delete();
      } catch (err) {
        if (!isGraphError(err, 404)) throw err;
        changed = false;
      }
      await removeObject(services, tenant.id, "appRoleAssignments", assignmentId, false);
      return { changed, result: changed ? "revoked" : "notAssigned", value: { assignmentId } };
    },
  });
}
