import { odata, type TableClient } from "@azure/data-tables";
import { decodeData, encodeData } from "../store/entity-codec.js";
import { getOrUndefined } from "../store/status-code.js";
import type { Json } from "../domain/graph-object.js";

/** What a per-parent kind remembers between runs: where each change signal was last read. */
export interface ParentCursor {
  /** Per bucket of the parent type: the newest Table Storage Timestamp seen on its rows. */
  readonly rowsAfter: Readonly<Record<string, string>>;
  /** The run whose full pass covered every parent: its own parent-row writes are no change to this kind. */
  readonly fullRun: string | null;
  readonly lastFullAt: string | null;
  /** The newest audit entry read (activityDateTime); null before the first read. */
  readonly auditSince: string | null;
  /** Entries older than this were covered by the last full pass. */
  readonly auditFloor: string | null;
  /** Audit entries inside the overlap already acted on. */
  readonly seenAudits: readonly string[];
}

/** One run's pass: the parents to read, in order, and the cursor it commits when done. */
export interface ParentPlan {
  readonly runId: string;
  readonly full: boolean;
  readonly parents: readonly string[];
  readonly next: ParentCursor;
  /** Why a change signal could not be read (the audit log refused); shown in the history. */
  readonly note: string | null;
  /** Principals soft-deleted since the last pass: their rows are hidden, as a restore brings them back. */
  readonly softDeleted: readonly string[];
  /** Principals deleted for good: their hidden rows go. */
  readonly purged: readonly string[];
}

interface PlanRow {
  readonly cursor: ParentCursor | null;
  readonly plan: ParentPlan | null;
}

/**
 * The cursor and the current plan of a per-parent kind: one row beside the
 * kind's objects (so a preview keeps its own), PartitionKey
 * `tenant|type|plan`, which no object bucket uses, RowKey "plan". The parent
 * list may pass a property's 64 KiB, so it is stored in chunks.
 */
export class ParentPlanStore {
  constructor(private readonly table: TableClient) {}

  private pk(tenantId: string, type: string): string {
    return `${tenantId}|${type}|plan`;
  }

  async get(tenantId: string, type: string): Promise<PlanRow> {
    const e = await getOrUndefined(() => this.table.getEntity<Record<string, unknown>>(this.pk(tenantId, type), "plan"));
    if (!e) return { cursor: null, plan: null };
    const d = decodeData(e) as unknown as Partial<PlanRow>;
    return { cursor: d.cursor ?? null, plan: d.plan ?? null };
  }

  async put(tenantId: string, type: string, row: PlanRow): Promise<void> {
    await this.table.upsertEntity({ partitionKey: this.pk(tenantId, type), rowKey: "plan", ...encodeData(row as unknown as Record<string, Json>) }, "Replace");
  }
}

/** A filter holds at most 15 comparisons (Storage REST API, "Querying tables and entities"); one is the PartitionKey. */
const VALUES_PER_QUERY = 14;

/** Filters matching rows of one partition whose `column` is any of `values`. */
export function columnFilters(pk: string, column: "parent" | "principal" | "memberId", values: readonly string[]): string[] {
  const unique = [...new Set(values)];
  const out: string[] = [];
  for (let i = 0; i < unique.length; i += VALUES_PER_QUERY) {
    const chunk = unique.slice(i, i + VALUES_PER_QUERY);
    const any = chunk.map((v) => (column === "parent" ? odata`parent eq ${v}` : column === "principal" ? odata`principal eq ${v}` : odata`memberId eq ${v}`)).join(" or ");
    out.push(`(${odata`PartitionKey eq ${pk}`}) and (${any})`);
  }
  return out;
}
