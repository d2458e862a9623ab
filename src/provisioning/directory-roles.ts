import type { Json } from "../domain/graph-object.js";
import { textOf } from "../domain/text.js";
import type { Services } from "../services.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { isGraphError, provision, type Actor, type Outcome, type Refusal, type WriteContext } from "./execute.js";
import { putObject, removeObject } from "./store-write.js";

export interface RoleTarget {
  readonly roleDefinitionId: string;
  readonly principalId: string;
  /** "/" for the tenant, or "/administrativeUnits/{id}". */
  readonly directoryScopeId: string;
}

/**
 * Role-assignable groups (entra-docs identity/role-based-access-control/groups-concept.md):
 * only a group created with isAssignableToRole can hold a directory role.
 */
async function targetGuard(ctx: WriteContext, t: RoleTarget): Promise<Refusal | undefined> {
  const objects = ctx.services.objects(ctx.tenant.id);
  if (!(await objects.get("roleDefinitions", t.roleDefinitionId))) return { status: 400, code: "UnknownRoleDefinition", message: `Role definition '${t.roleDefinitionId}' is not among the tenant's synced role definitions.` };
  const group = await objects.get("groups", t.principalId);
  if (group && group.data.isAssignableToRole !== true) {
    return { status: 400, code: "GroupNotRoleAssignable", message: `Group '${textOf(group.data.displayName, t.principalId)}' is not role-assignable: only groups created with isAssignableToRole set to true can hold a directory role, and the property cannot be changed later. Create a role-assignable group instead.` };
  }
  return undefined;
}

const CONFLICT = /conflicting object|already exists/i;

/** The active assignment matching the target, read back from Graph (rbacapplication-list-roleassignments.md: $filter on principalId). */
async function findAssignment(ctx: WriteContext, t: RoleTarget): Promise<Record<string, Json> | undefined> {
  const page = (await ctx.client.api("/roleManagement/directory/roleAssignments").filter(`principalId eq '${t.principalId}'`).get()) as { value: Array<Record<string, Json>> };
  return page.value.find((a) => a.roleDefinitionId === t.roleDefinitionId && a.directoryScopeId === t.directoryScopeId);
}

/** POST /roleManagement/directory/roleAssignments (rbacapplication-post-roleassignments.md); a conflict with the same assignment counts as done. */
export function addRoleAssignment(services: Services, tenant: TenantRecord, actor: Actor, t: RoleTarget): Promise<Outcome<{ assignmentId: string }>> {
  return provision(services, tenant, actor, "addRoleAssignment", `roleAssignments/${t.roleDefinitionId}/${t.principalId}${t.directoryScopeId}`, {
    guard: (ctx) => targetGuard(ctx, t),
    async write(ctx) {
      let a: Record<string, Json> | undefined;
      let already = false;
      try {
        a = (await ctx.client.api("/roleManagement/directory/roleAssignments").post({ "@odata.type": "#microsoft.graph.unifiedRoleAssignment", ...t })) as Record<string, Json>;
      } catch (err) {
        if (!(isGraphError(err, 400) && CONFLICT.test(err.message))) throw err;
        a = await findAssignment(ctx, t);
        if (!a) throw err;
        already = true;
      }
      const assignmentId = textOf(a.id);
      await putObject(services, tenant.id, "roleAssignments", assignmentId, a);
      return { changed: !already, result: already ? "alreadyAssigned" : "assigned", value: { assignmentId } };
    },
  });
}

/** DELETE /roleManagement/directory/roleAssignments/{id} (unifiedroleassignment-delete.md); Graph's 404 means already gone. */
export function removeRoleAssignment(services: Services, tenant: TenantRecord, actor: Actor, assignmentId: string): Promise<Outcome<{ assignmentId: string }>> {
  return provision(services, tenant, actor, "removeRoleAssignment", `roleAssignments/${assignmentId}`, {
    async write(ctx) {
      let changed = true;
      try {
        await ctx.client.api(`/roleManagement/directory/roleAssignments/${assignmentId}`).delete();
      } catch (err) {
        if (!isGraphError(err, 404)) throw err;
        changed = false;
      }
      await removeObject(services, tenant.id, "roleAssignments", assignmentId, false);
      return { changed, result: changed ? "removed" : "notAssigned", value: { assignmentId } };
    },
  });
}

/**
 * A PIM eligibility (rbacapplication-post-roleeligibilityschedulerequests.md,
 * action adminAssign), written through as the instance Graph then lists
 * (rbacapplication-list-roleeligibilityscheduleinstances.md). Graph's RoleAssignmentExists counts as done; without
 * Entra ID P2 Graph answers AadPremiumLicenseRequired, refused as such.
 */
export function addRoleEligibility(services: Services, tenant: TenantRecord, actor: Actor, t: RoleTarget & { readonly endDateTime?: string; readonly justification?: string }): Promise<Outcome<{ requestId: string | null }>> {
  return provision<{ requestId: string | null }>(services, tenant, actor, "addRoleEligibility", `roleEligibilities/${t.roleDefinitionId}/${t.principalId}${t.directoryScopeId}`, {
    guard: (ctx) => targetGuard(ctx, t),
    async write(ctx) {
      const expiration = t.endDateTime ? { type: "afterDateTime", endDateTime: t.endDateTime } : { type: "noExpiration" };
      try {
        const r = (await ctx.client.api("/roleManagement/directory/roleEligibilityScheduleRequests").post({
          action: "adminAssign",
          justification: t.justification ?? "Granted through entra-sync",
          roleDefinitionId: t.roleDefinitionId,
          principalId: t.principalId,
          directoryScopeId: t.directoryScopeId,
          scheduleInfo: { startDateTime: new Date().toISOString(), expiration },
        })) as Record<string, Json>;
        // The request is not the eligibility: read the instance back (its own $filter on principalId) for the store.
        const page = (await ctx.client.api("/roleManagement/directory/roleEligibilityScheduleInstances").filter(`principalId eq '${t.principalId}'`).get()) as { value: Array<Record<string, Json>> };
        const instance = page.value.find((e) => e.roleDefinitionId === t.roleDefinitionId && e.directoryScopeId === t.directoryScopeId);
        if (instance) await putObject(services, tenant.id, "roleEligibilities", textOf(instance.id), instance);
        return { changed: true, result: "eligible", value: { requestId: textOf(r.id) } };
      } catch (err) {
        if (isGraphError(err, 400) && err.code === "RoleAssignmentExists") return { changed: false, result: "alreadyEligible", value: { requestId: null } };
        throw err;
      }
    },
    graphRefusal(err) {
      if (err.code !== "AadPremiumLicenseRequired") return undefined;
      return { status: 409, code: "LicenceRequired", message: "PIM eligibilities need Microsoft Entra ID P2 (or Entra ID Governance) in the tenant, which it lacks.", details: { graphCode: err.code } };
    },
  });
}
