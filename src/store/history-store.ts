import { odata, type TableClient } from "@azure/data-tables";
import type { TypeOutcome } from "../domain/run-outcome.js";
import { textOf } from "../domain/text.js";
import { invertedTime } from "./keys.js";
import { allOf } from "./odata-compose.js";

/** Who started a run: the timer, an admin (Sync Now, or the first sync of a new tenant), or Graph change notifications. */
export type Trigger = "schedule" | "manual" | "notification";

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
  readonly status: TypeOutcome;
  readonly error?: string;
  readonly warnings?: readonly string[];
}

const MAX_ERROR_CHARS = 500;

/**
 * What a reader may see of a failure: its first line (the message, with any
 * Graph status and code), never the stack after it. A Durable task failure
 * arrives as "Reason \n Details", where Details is the stack (durable-functions,
 * TaskOrchestrationExecutor.js); stacks name server paths and library versions,
 * so they stay in the logs.
 */
export function publicError(text: string): string {
  const cut = (text.split(/\r?\n/, 1)[0] ?? "").trim();
  return cut.length > MAX_ERROR_CHARS ? `${cut.slice(0, MAX_ERROR_CHARS - 1)}…` : cut || "the stream failed";
}

/** Newest first: RowKey starts with the inverted start time. */
export function historyRowKey(r: Pick<HistoryRecord, "startTime" | "runId" | "type">): string {
  return `${invertedTime(r.startTime)}|${r.runId}|${r.type}`;
}

export class HistoryStore {
  constructor(private readonly table: TableClient) {}

  async add(tenantId: string, r: HistoryRecord): Promise<void> {
    const { warnings, error, ...rest } = r;
    await this.table.upsertEntity(
      { partitionKey: tenantId, rowKey: historyRowKey(r), ...rest, ...(error !== undefined ? { error: publicError(error) } : {}), warnings: JSON.stringify(warnings ?? []) },
      "Replace",
    );
  }

  async *list(tenantId: string): AsyncGenerator<HistoryRecord> {
    const it = this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${tenantId}` } });
    for await (const e of it) {
      const { partitionKey: _pk, rowKey: _rk, etag: _etag, timestamp: _ts, warnings, ...rest } = e;
      yield { ...(rest as unknown as HistoryRecord), warnings: JSON.parse(textOf(warnings, "[]")) as string[] };
    }
  }

  /** Newest first (the RowKey order), after a row key and of one type if given: both filters run in the table. */
  async *rows(tenantId: string, q: { readonly after?: string | undefined; readonly type?: string | undefined }): AsyncGenerator<HistoryRecord & { readonly rowKey: string }> {
    const filter = allOf(odata`PartitionKey eq ${tenantId}`, q.after !== undefined && odata`RowKey gt ${q.after}`, q.type !== undefined && odata`type eq ${q.type}`);
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      yield { ...(e as unknown as HistoryRecord), warnings: JSON.parse(textOf(e.warnings, "[]")) as string[], rowKey: e.rowKey ?? "" };
    }
  }
}
