import { randomUUID } from "node:crypto";
import { odata, type TableClient } from "@azure/data-tables";
import { invertedTime } from "./keys.js";

/** Membership writes and provisioning actions (src/provisioning/permissions.ts). */
export const AUDIT_ACTIONS = [
  "addMember",
  "removeMember",
  "createUser",
  "setAccountEnabled",
  "deleteUser",
  "readInitialPassword",
  "grantAppRole",
  "revokeAppRole",
  "addRoleAssignment",
  "removeRoleAssignment",
  "addRoleEligibility",
  "assignLicences",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  readonly at: string;
  readonly tenantId: string;
  readonly actorId: string;
  readonly actorName: string | null;
  readonly action: AuditAction;
  /** Membership writes: the group and member; empty for other actions. */
  readonly groupId: string;
  readonly memberId: string;
  /** Provisioning: what was acted on, as `type/id` (e.g. users/{id}); absent for membership writes. */
  readonly target?: string;
  /** What happened: added, alreadyMember, removed, notMember, created, disabled, granted, … (the action's own words), refused:<code>, or failed:<reason>. */
  readonly result: string;
}

/** Membership writes and provisioning actions, newest first per tenant. */
export class AuditStore {
  constructor(private readonly table: TableClient) {}

  async add(e: AuditEntry): Promise<void> {
    await this.table.createEntity({ partitionKey: e.tenantId, rowKey: `${invertedTime(e.at)}|${randomUUID()}`, ...e });
  }

  async *list(tenantId: string, after?: string): AsyncGenerator<AuditEntry & { rowKey: string }> {
    const filter = after ? odata`PartitionKey eq ${tenantId} and RowKey gt ${after}` : odata`PartitionKey eq ${tenantId}`;
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      yield {
        at: String(e.at),
        tenantId: String(e.tenantId),
        actorId: String(e.actorId),
        actorName: typeof e.actorName === "string" ? e.actorName : null,
        action: AUDIT_ACTIONS.find((a) => a === e.action) ?? "addMember",
        groupId: String(e.groupId),
        memberId: String(e.memberId),
        result: String(e.result),
        ...(typeof e.target === "string" ? { target: e.target } : {}),
        rowKey: e.rowKey ?? "",
      };
    }
  }
}
