import { randomUUID } from "node:crypto";
import { odata, type TableClient } from "@azure/data-tables";
import { invertedTime } from "./keys.js";

export interface AuditEntry {
  readonly at: string;
  readonly tenantId: string;
  readonly actorId: string;
  readonly actorName: string | null;
  readonly action: "addMember" | "removeMember";
  readonly groupId: string;
  readonly memberId: string;
  /** added, alreadyMember, removed, notMember, refused:<code>, or failed:<reason>. */
  readonly result: string;
}

/** Membership writes, newest first per tenant. */
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
        action: e.action === "removeMember" ? "removeMember" : "addMember",
        groupId: String(e.groupId),
        memberId: String(e.memberId),
        result: String(e.result),
        rowKey: e.rowKey ?? "",
      };
    }
  }
}
