import { odata, type TableClient } from "@azure/data-tables";

export type RunStatus = "succeeded" | "failed" | "skipped" | "held" | "cancelled";
/** Who started a run: the timer or an admin (Sync Now, or the first sync of a new tenant). */
export type Trigger = "schedule" | "manual";

/** One history record: one run, one object type. */
export interface HistoryRecord {
  readonly runId: string;
  readonly trigger: Trigger;
  readonly type: string;
  readonly startTime: string;
  readonly endTime: string;
  readonly total: number;
  readonly changed: number;
  readonly deleted: number;
  readonly filtered: number;
  readonly status: RunStatus;
  readonly error?: string;
  readonly warnings?: readonly string[];
}

const MAX_TICKS = 9_999_999_999_999;

/** Newest first: RowKey starts with the inverted start time. */
export function historyRowKey(r: Pick<HistoryRecord, "startTime" | "runId" | "type">): string {
  const inverted = String(MAX_TICKS - Date.parse(r.startTime)).padStart(13, "0");
  return `${inverted}|${r.runId}|${r.type}`;
}

export class HistoryStore {
  constructor(private readonly table: TableClient) {}

  async add(tenantId: string, r: HistoryRecord): Promise<void> {
    const { warnings, ...rest } = r;
    await this.table.upsertEntity(
      { partitionKey: tenantId, rowKey: historyRowKey(r), ...rest, warnings: JSON.stringify(warnings ?? []) },
      "Replace",
    );
  }

  async *list(tenantId: string): AsyncGenerator<HistoryRecord> {
    const it = this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${tenantId}` } });
    for await (const e of it) {
      const { partitionKey: _pk, rowKey: _rk, etag: _etag, timestamp: _ts, warnings, ...rest } = e;
      yield { ...(rest as unknown as HistoryRecord), warnings: JSON.parse(String(warnings ?? "[]")) as string[] };
    }
  }
}
