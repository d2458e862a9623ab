import { GraphError } from "@microsoft/microsoft-graph-client";
import { endpointsOf } from "../credentials/endpoints.js";
import { appGrants } from "../provisioning/app-token.js";
import type { Actor } from "../provisioning/execute.js";
import type { Services } from "../services.js";
import type { AuditEntry } from "../store/audit-store.js";
import { ReverseLinks } from "../store/reverse-links.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { MEMBERSHIP_WRITE } from "../tenants/test-connection.js";
import { refusalFor, type Refusal } from "./guards.js";

export type WriteOutcome =
  | { readonly kind: "done"; readonly changed: boolean; readonly result: string }
  | { readonly kind: "groupNotFound" }
  | { readonly kind: "missingPermission"; readonly permission: string }
  | { readonly kind: "refused"; readonly refusal: Refusal }
  /** Graph refused the request itself (an unknown or invalid member): the caller's input, with Graph's code. */
  | { readonly kind: "graphRejected"; readonly status: 400 | 404; readonly code: string; readonly message: string };

export type { Actor } from "../provisioning/execute.js";

const DUPLICATE = /added object references already exist/i;
const MEMBER_TYPES = ["users", "groups", "devices"] as const;

/**
 * Adds or removes a group member through Graph, after the guards, and
 * writes the change through to the local store so that reads agree at
 * once; the next delta sync reports the same link. Every attempt is audited.
 */
export async function writeMembership(services: Services, tenant: TenantRecord, groupId: string, memberId: string, action: "add" | "remove", actor: Actor): Promise<WriteOutcome> {
  const objects = services.objects(tenant.id);
  const audit = services.audit;
  const record = async (result: string) => {
    const entry: AuditEntry = { at: new Date().toISOString(), tenantId: tenant.id, actorId: actor.id, actorName: actor.name, action: action === "add" ? "addMember" : "removeMember", groupId, memberId, result };
    await audit.add(entry);
  };

  const group = await objects.get("groups", groupId);
  if (!group) return { kind: "groupNotFound" };
  const endpoints = endpointsOf(services.config, tenant);
  const { roles } = await appGrants(services, tenant);
  if (!MEMBERSHIP_WRITE.some((p) => roles.has(p))) {
    await record("refused:MissingPermission");
    return { kind: "missingPermission", permission: MEMBERSHIP_WRITE[0] };
  }
  const refusal = refusalFor(group.data, roles);
  if (refusal) {
    await record(`refused:${refusal.code}`);
    return { kind: "refused", refusal };
  }

  const client = await services.graphFor(tenant);
  const members = services.members(tenant.id);
  let changed = true;
  try {
    if (action === "add") {
      await client.api(`/groups/${groupId}/members/$ref`).post({ "@odata.id": `${endpoints.graphBaseUrl}/v1.0/directoryObjects/${memberId}` });
    } else {
      await client.api(`/groups/${groupId}/members/${memberId}/$ref`).delete();
    }
  } catch (err) {
    // Graph's own answers for "already a member" and "not a member": the wanted state holds.
    const duplicate = action === "add" && err instanceof GraphError && err.statusCode === 400 && DUPLICATE.test(err.message);
    const absent = action === "remove" && err instanceof GraphError && err.statusCode === 404;
    if (!duplicate && !absent) {
      await record(`failed:${err instanceof GraphError ? `${err.statusCode} ${err.code ?? ""}`.trim() : "error"}`);
      // 400 and 404 are Graph's verdict on the IDs given (List group members / Add member docs); anything else is a failure.
      if (err instanceof GraphError && (err.statusCode === 400 || err.statusCode === 404)) {
        return { kind: "graphRejected", status: err.statusCode, code: err.code ?? "Request_BadRequest", message: err.message };
      }
      throw err;
    }
    changed = false;
  }

  if (action === "add") {
    let memberType = "directoryObject";
    for (const type of MEMBER_TYPES) {
      if (await objects.get(type, memberId)) {
        memberType = type.slice(0, -1);
        break;
      }
    }
    await members.table.upsertEntity(members.entity("groups", groupId, memberId, memberType, "write-back"), "Replace");
    await members.table.upsertEntity(new ReverseLinks(members).entity({ store: "groups", parent: "groups" }, groupId, memberId, memberType, "write-back"), "Replace");
  } else {
    try {
      await members.table.deleteEntity(members.partitionOf("groups", groupId), members.rowKey(groupId, memberId));
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    await new ReverseLinks(members).dropNow("groups", groupId, memberId);
  }
  const result = action === "add" ? (changed ? "added" : "alreadyMember") : changed ? "removed" : "notMember";
  await record(result);
  return { kind: "done", changed, result };
}
