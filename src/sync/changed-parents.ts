import { odata } from "@azure/data-tables";
import { linkKindOf, type SyncedType } from "../domain/synced.js";
import type { ResourceModule } from "../graph/resource.js";
import { textOf } from "../domain/text.js";
import { MEMBER_BUCKETS, memberPartition, OBJECT_BUCKETS, objectPartition } from "../store/keys.js";
import { GraphRefused, LicenceRequired, PermissionDenied, type PageSource } from "./graph-source.js";
import { columnFilters, type ParentCursor, type ParentPlan } from "./parent-plan.js";
import type { SyncStores } from "./stores.js";

/**
 * Audit entries reach the API minutes after the change (azure-docs
 * articles/active-directory/reports-monitoring/reference-reports-latencies.md):
 * each read starts this long before the newest entry seen, and entries seen
 * before are skipped by ID.
 */
export const AUDIT_OVERLAP_MS = 15 * 60_000;
/** directoryaudit-list.md: pages of up to 999 with `$top`. */
const AUDIT_PAGE = 999;

// Entra's activity names (api-reference/v1.0/resources/directoryaudit.md, activityDisplayName):
// "Add app role assignment grant to user", "Remove app role assignment from user", "Add service principal", …
// Owner changes ("Add owner to service principal") leave the assignments as they are, and are the owner kinds' signal
// (both ends are targets: the owner and the application or service principal).
const SIGNALS: Readonly<Partial<Record<SyncedType, { readonly activity: RegExp; readonly target: string }>>> = {
  appRoleAssignments: { activity: /app role assignment|^(add|update|delete|hard delete|restore) service principal$/i, target: "ServicePrincipal" },
  applicationOwners: { activity: /^(add owner to|remove owner from) application$/i, target: "Application" },
  servicePrincipalOwners: { activity: /^(add owner to|remove owner from) service principal$/i, target: "ServicePrincipal" },
};
// A deleted principal's assignments leave its apps' appRoleAssignedTo; a soft-deleted one's come back
// with a restore (api-reference/v1.0/api/directory-deleteditems-restore.md), so they are hidden, not erased.
const PRINCIPAL_CHANGE = /^(hard delete|delete|restore) (user|group|service principal)$/i;
const PRINCIPAL_TYPES = new Set(["User", "Group", "ServicePrincipal"]);

type Raw = Record<string, unknown>;

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z$/;

/**
 * A row Timestamp as the table service wrote it, with seven fractional
 * digits (its precision: storage/tables, "Timestamp property"), so stamps
 * compare as strings and go back into a filter without losing the 100 ns
 * a JavaScript Date would drop. Undefined for anything else.
 */
export function stampOf(v: unknown): string | undefined {
  const m = typeof v === "string" ? STAMP.exec(v) : null;
  return m ? `${m[1]}.${(m[2] ?? "").padEnd(7, "0")}Z` : undefined;
}

/** Parent rows of the given buckets: the newest Timestamp of each (a full pass starts the row cursor here). */
export async function newestRows(stores: SyncStores, parentType: SyncedType): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (let b = 0; b < OBJECT_BUCKETS; b++) {
    const pk = objectPartition(stores.objects.tenantId, parentType, b);
    for await (const e of stores.objects.table.listEntities<Raw>({ queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ["Timestamp"] } })) {
      const t = stampOf(e.timestamp);
      if (t && t > (out[pk] ?? "")) out[pk] = t;
    }
  }
  return out;
}

/**
 * Parents whose stored row was written since the cursor (Table Storage sets
 * Timestamp at every write: storage/tables/table-storage-overview.md,
 * "Timestamp property"), a soft delete included. Rows the cursor's full-pass
 * run wrote were covered by that pass.
 */
async function changedRows(stores: SyncStores, parentType: SyncedType, cursor: ParentCursor, out: Set<string>): Promise<Record<string, string>> {
  const next: Record<string, string> = { ...cursor.rowsAfter };
  for (let b = 0; b < OBJECT_BUCKETS; b++) {
    const pk = objectPartition(stores.objects.tenantId, parentType, b);
    const after = cursor.rowsAfter[pk];
    const stamp = stampOf(after);
    // The stamp is checked to be a bare instant, so it may stand in the filter as a datetime literal.
    const filter = stamp ? `${odata`PartitionKey eq ${pk}`} and Timestamp gt datetime'${stamp}'` : odata`PartitionKey eq ${pk}`;
    for await (const e of stores.objects.table.listEntities<Raw>({ queryOptions: { filter, select: ["RowKey", "Timestamp", "run"] } })) {
      const t = stampOf(e.timestamp);
      if (t && t > (next[pk] ?? "")) next[pk] = t;
      if (e.run !== cursor.fullRun) out.add(textOf(e.rowKey));
    }
  }
  return next;
}

interface AuditSignal {
  readonly since: string | null;
  readonly seen: readonly string[];
  /** Graph refused the audit log: its text. */
  readonly refused: string | null;
  /** Principals soft-deleted, and deleted for good, since the cursor. */
  readonly softDeleted: readonly string[];
  readonly purged: readonly string[];
}

/** Parents named by audit entries since the cursor: assignment changes (no delta shows them) and deleted principals. */
async function changedByAudit(graph: PageSource, type: SyncedType, cursor: ParentCursor, parents: Set<string>, principals: Set<string>, pages: { n: number }): Promise<AuditSignal> {
  const signal = SIGNALS[type];
  if (cursor.auditSince === null) return { since: null, seen: [], refused: null, softDeleted: [], purged: [] };
  // Each principal's latest delete, hard delete or restore: the log is served newest first, but no order is promised.
  const last = new Map<string, { at: number; change: string }>();
  const from = new Date(Date.parse(cursor.auditSince) - AUDIT_OVERLAP_MS).toISOString();
  const seenBefore = new Set(cursor.seenAudits);
  const entries: Array<{ id: string; at: string }> = [];
  let url: string | undefined = `/auditLogs/directoryAudits?$filter=${encodeURIComponent(`activityDateTime ge ${from}`)}&$top=${AUDIT_PAGE}`;
  try {
    while (url) {
      const page = await graph.page(url);
      pages.n++;
      for (const a of page.value) {
        const at = textOf(a.activityDateTime);
        entries.push({ id: a.id, at });
        if (seenBefore.has(a.id) || (cursor.auditFloor !== null && Date.parse(at) < Date.parse(cursor.auditFloor))) continue;
        const activity = textOf(a.activityDisplayName);
        const targets = Array.isArray(a.targetResources) ? a.targetResources : [];
        for (const t of targets) {
          if (!t || typeof t !== "object" || Array.isArray(t) || typeof t.id !== "string") continue;
          if (signal?.activity.test(activity) && t.type === signal.target) parents.add(t.id);
          const change = PRINCIPAL_CHANGE.exec(activity)?.[1]?.toLowerCase();
          if (!change || !PRINCIPAL_TYPES.has(textOf(t.type))) continue;
          principals.add(t.id);
          const ms = Date.parse(at) || 0;
          if ((last.get(t.id)?.at ?? -1) <= ms) last.set(t.id, { at: ms, change });
        }
      }
      url = page.nextLink;
    }
  } catch (err) {
    if (err instanceof PermissionDenied || err instanceof GraphRefused || err instanceof LicenceRequired) return { since: cursor.auditSince, seen: cursor.seenAudits, refused: err.message, softDeleted: [], purged: [] };
    throw err;
  }
  // Instants, not strings: Graph writes up to seven fractional digits, or none.
  const sinceMs = entries.reduce((m, e) => Math.max(m, Date.parse(e.at) || 0), Date.parse(cursor.auditSince));
  return { since: new Date(sinceMs).toISOString(), seen: entries.filter((e) => Date.parse(e.at) >= sinceMs - AUDIT_OVERLAP_MS).map((e) => e.id), refused: null, softDeleted: idsWith(last, "delete"), purged: idsWith(last, "hard delete") };
}

function idsWith(last: ReadonlyMap<string, { change: string }>, change: string): string[] {
  return [...last].filter(([, c]) => c.change === change).map(([id]) => id);
}

/** Parents holding a stored row of any of these principals, hidden rows included (a restored principal's). */
async function parentsOfPrincipals(stores: SyncStores, type: SyncedType, principals: ReadonlySet<string>, out: Set<string>): Promise<void> {
  if (principals.size === 0) return;
  const kind = linkKindOf(type);
  if (kind) {
    // A link kind: the parents holding a link to any of them (a deleted owner leaves the parent's list).
    for (let b = 0; b < MEMBER_BUCKETS; b++) {
      for (const filter of columnFilters(memberPartition(stores.members.tenantId, kind.store, b), "memberId", [...principals])) {
        for await (const e of stores.members.table.listEntities<Raw>({ queryOptions: { filter, select: ["containerId"] } })) out.add(textOf(e.containerId));
      }
    }
    return;
  }
  for (let b = 0; b < OBJECT_BUCKETS; b++) {
    const pk = objectPartition(stores.objects.tenantId, type, b);
    for (const filter of columnFilters(pk, "principal", [...principals])) {
      for await (const e of stores.objects.table.listEntities<Raw>({ queryOptions: { filter, select: ["parent"] } })) out.add(textOf(e.parent));
    }
  }
}

/** The parents to read again since the cursor, the cursor after them, and the principals deleted meanwhile. */
export async function changedParents(
  graph: PageSource,
  stores: SyncStores,
  m: ResourceModule,
  cursor: ParentCursor,
  pages: { n: number } = { n: 0 },
): Promise<{ parents: string[]; next: ParentCursor; note: string | null; softDeleted: readonly string[]; purged: readonly string[] }> {
  const parentType = m.parent?.type;
  if (!parentType) throw new Error(`${m.type} is not a per-parent kind`);
  const parents = new Set<string>();
  const principals = new Set<string>();
  const audit = await changedByAudit(graph, m.type, cursor, parents, principals, pages);
  const rowsAfter = await changedRows(stores, parentType, cursor, parents);
  await parentsOfPrincipals(stores, m.type, principals, parents);
  parents.delete("");
  const note = audit.refused ? `only ${parentType} changes are followed until the next full pass: the audit log was refused (${audit.refused})` : null;
  return {
    parents: [...parents].sort(),
    next: { ...cursor, rowsAfter, fullRun: null, auditSince: audit.since, seenAudits: audit.seen },
    note,
    softDeleted: audit.softDeleted,
    purged: audit.purged,
  };
}

/** Every parent ID, read from Graph (a full pass must not wait for the parent type's own stream). */
export async function allParents(graph: PageSource, m: ResourceModule, pages: { n: number } = { n: 0 }): Promise<string[]> {
  const parentType = m.parent?.type;
  if (!parentType) throw new Error(`${m.type} is not a per-parent kind`);
  const out: string[] = [];
  // serviceprincipal-list.md, application-list.md: `$top` up to 999.
  let url: string | undefined = `/${parentType}?$select=id&$top=999`;
  while (url) {
    const page = await graph.page(url);
    pages.n++;
    for (const o of page.value) out.push(o.id);
    url = page.nextLink;
  }
  return [...new Set(out)].sort();
}

/** This run's pass: every parent when there is no cursor to go on, else the parents changed since it. */
/** `pages` counts the Graph pages read while planning (the parent list, the audit log). */
export async function planPass(graph: PageSource, stores: SyncStores, m: ResourceModule, runId: string, at: string, cursor: ParentCursor | null, pages: { n: number }): Promise<ParentPlan> {
  if (cursor) {
    const c = await changedParents(graph, stores, m, cursor, pages);
    return { runId, full: false, parents: c.parents, note: c.note, next: c.next, softDeleted: c.softDeleted, purged: c.purged };
  }
  const parentType = m.parent?.type;
  if (!parentType) throw new Error(`${m.type} is not a per-parent kind`);
  // The row cursor starts at the rows stored now; the audit log at this instant (what came before, the pass reads).
  const rowsAfter = await newestRows(stores, parentType);
  const next: ParentCursor = { rowsAfter, fullRun: runId, lastFullAt: at, auditSince: at, auditFloor: at, seenAudits: [] };
  return { runId, full: true, parents: await allParents(graph, m, pages), note: null, next, softDeleted: [], purged: [] };
}
