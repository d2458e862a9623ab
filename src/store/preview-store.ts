import type { TableClient } from "@azure/data-tables";
import { getOrUndefined } from "./status-code.js";

export interface PreviewTypeSummary {
  readonly adds: number;
  readonly updates: number;
  readonly deletes: number;
  readonly filtered: number;
  readonly total: number;
  readonly status: string;
}

/** The tenant's current preview; its records live under `tenant|runId` keys in the same table. */
export interface PreviewMeta {
  readonly runId: string;
  readonly status: "running" | "ready" | "failed" | "expired";
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** Seven days after it ends, or the next sync, whichever comes first. */
  readonly expiresAt: string | null;
  readonly records: number;
  readonly summary: Readonly<Record<string, PreviewTypeSummary>>;
}

const RK = "meta";
/** The meta row's partition cannot collide with record partitions (`tenant|runId|type|bucket`). */
const metaPartition = (tenantId: string): string => `${tenantId}|preview`;

export const previewKey = (tenantId: string, runId: string): string => `${tenantId}|${runId}`;

export class PreviewStore {
  constructor(readonly table: TableClient) {}

  async get(tenantId: string): Promise<PreviewMeta | undefined> {
    const e = await getOrUndefined(() => this.table.getEntity<{ doc: string }>(metaPartition(tenantId), RK));
    return e ? (JSON.parse(e.doc) as PreviewMeta) : undefined;
  }

  async put(tenantId: string, meta: PreviewMeta): Promise<void> {
    await this.table.upsertEntity({ partitionKey: metaPartition(tenantId), rowKey: RK, doc: JSON.stringify(meta) }, "Replace");
  }
}
