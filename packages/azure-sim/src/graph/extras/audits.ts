import { stableGuid } from "../../ids.js";
import type { ChangeRecord, GraphObject, JsonObject } from "../types.js";

const iso = (ms: number): string => new Date(ms).toISOString();

/** Categories and activity names as Entra writes them (api-reference/v1.0/resources/directoryaudit.md). */
const CATEGORY: Readonly<Record<string, string>> = {
  users: "UserManagement",
  groups: "GroupManagement",
  devices: "Device",
  applications: "ApplicationManagement",
  servicePrincipals: "ApplicationManagement",
  directoryRoles: "RoleManagement",
  administrativeUnits: "AdministrativeUnit",
  subscribedSkus: "DirectoryManagement",
};
const NOUN: Readonly<Record<string, string>> = {
  users: "user",
  groups: "group",
  devices: "device",
  applications: "application",
  servicePrincipals: "service principal",
  directoryRoles: "role",
  administrativeUnits: "administrative unit",
  subscribedSkus: "subscription",
};
const TARGET_TYPE: Readonly<Record<string, string>> = { users: "User", groups: "Group", devices: "Device", applications: "Application", servicePrincipals: "ServicePrincipal", directoryRoles: "Role", administrativeUnits: "AdministrativeUnit", subscribedSkus: "Other" };

export interface AuditEvent {
  readonly category: string;
  readonly activity: string;
  readonly operationType: "Add" | "Update" | "Delete" | "Assign" | "Unassign";
  readonly targets: ReadonlyArray<{ id: string; type: string; modifiedProperties?: readonly string[] }>;
}

/** The audit event a change-log record stands for. */
export function eventOf(r: ChangeRecord): AuditEvent {
  const noun = NOUN[r.type] ?? r.type;
  const category = CATEGORY[r.type] ?? "Other";
  const target = { id: r.id, type: TARGET_TYPE[r.type] ?? "Other" };
  switch (r.kind) {
    case "add":
      return { category, activity: `Add ${noun}`, operationType: "Add", targets: [target] };
    case "update":
      return { category, activity: `Update ${noun}`, operationType: "Update", targets: [{ ...target, modifiedProperties: r.props ?? [] }] };
    case "softDelete":
    case "hardDelete":
      return { category, activity: r.kind === "hardDelete" ? `Hard delete ${noun}` : `Delete ${noun}`, operationType: "Delete", targets: [target] };
    case "restore":
      return { category, activity: `Restore ${noun}`, operationType: "Update", targets: [target] };
    case "memberAdd":
    case "memberRemove": {
      // A manager change is an update of the user's Manager property; owner changes are their own activities (directoryaudit.md).
      if (r.nav === "manager") return { category, activity: "Update user", operationType: "Update", targets: [{ ...target, modifiedProperties: ["Manager"] }] };
      if (r.nav === "owners") {
        const owner = { id: r.member?.id ?? "", type: "User" };
        return { category, activity: r.kind === "memberAdd" ? `Add owner to ${noun}` : `Remove owner from ${noun}`, operationType: r.kind === "memberAdd" ? "Assign" : "Unassign", targets: [target, owner] };
      }
      const verb = r.kind === "memberAdd" ? "Add member to" : "Remove member from";
      const member = { id: r.member?.id ?? "", type: r.member?.kind === "group" ? "Group" : r.member?.kind === "device" ? "Device" : "User" };
      return { category, activity: `${verb} ${noun}`, operationType: r.kind === "memberAdd" ? "Assign" : "Unassign", targets: [target, member] };
    }
  }
}

/** One directoryAudit, initiated by the simulator's own admin app. */
export function buildAudit(seed: number, n: number, at: number, e: AuditEvent): GraphObject {
  const targetResources: JsonObject[] = e.targets.map((t) => ({
    id: t.id,
    displayName: null,
    type: t.type,
    userPrincipalName: null,
    groupType: null,
    modifiedProperties: (t.modifiedProperties ?? []).map((name) => ({ displayName: name, oldValue: null, newValue: null })),
  }));
  return {
    id: `Directory_${stableGuid(seed, "audit", n)}`,
    category: e.category,
    correlationId: stableGuid(seed, "auditCorrelation", n),
    result: "success",
    resultReason: "",
    activityDisplayName: e.activity,
    activityDateTime: iso(at),
    loggedByService: "Core Directory",
    operationType: e.operationType,
    initiatedBy: { app: { appId: null, displayName: "Entra Sync Simulator", servicePrincipalId: stableGuid(seed, "simAdmin"), servicePrincipalName: null }, user: null },
    targetResources,
    additionalDetails: [],
  };
}
