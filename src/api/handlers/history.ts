import { odata } from "@azure/data-tables";
import { stringify } from "csv-stringify";
import { Readable } from "node:stream";
import { z } from "zod";
import type { HistoryRecord } from "../../store/history-store.js";
import { allOf } from "../../store/odata-compose.js";
import { afterCursor, decodeToken, takePage } from "../paging.js";
import { route, type ApiDeps } from "../route.js";
import { loadTenant } from "../tenant-param.js";

const historyQuery = z
  .object({
    pageSize: z.enum(["50", "100", "1000"]).default("50").transform(Number),
    search: z.string().min(1).max(256).optional(),
    type: z.string().min(1).max(64).regex(/^[A-Za-z]+$/).optional(),
    continuationToken: z.string().max(2048).optional(),
  })
  .strict();

const csvQuery = historyQuery.omit({ pageSize: true, continuationToken: true });

const COLUMNS = ["runId", "trigger", "type", "startTime", "endTime", "total", "changed", "deleted", "filtered", "status", "error"] as const;

function item(r: HistoryRecord & { rowKey: string }) {
  return { runId: r.runId, trigger: r.trigger, type: r.type, startTime: r.startTime, endTime: r.endTime, total: r.total, changed: r.changed, deleted: r.deleted, filtered: r.filtered, status: r.status, ...(r.error ? { error: r.error } : {}), ...(r.warnings?.length ? { warnings: r.warnings } : {}) };
}

/** Newest first (the RowKey order); the type filter runs in the table, the text search here. */
async function* rows(deps: ApiDeps, tenantId: string, q: { type?: string | undefined; search?: string | undefined }, after?: string): AsyncGenerator<HistoryRecord & { rowKey: string }> {
  const table = deps.services.tables.client("History");
  const filter = allOf(odata`PartitionKey eq ${tenantId}`, after !== undefined && odata`RowKey gt ${after}`, q.type !== undefined && odata`type eq ${q.type}`);
  const needle = q.search?.toLowerCase();
  for await (const e of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
    const r = { ...(e as unknown as HistoryRecord), warnings: JSON.parse(String(e.warnings ?? "[]")) as string[], rowKey: e.rowKey ?? "" };
    if (needle && ![r.runId, r.type, r.status, r.trigger, r.error ?? ""].some((f) => String(f).toLowerCase().includes(needle))) continue;
    yield r;
  }
}

export const historyRoutes = [
  route({
    name: "history",
    method: "GET",
    path: "tenants/{id}/history",
    access: "reader",
    summary: "Sync history per object type, newest first; pageSize 50, 100 or 1000; search and type filter",
    query: historyQuery,
    responses: { 200: "A page of history", 400: "Bad query", 404: "No such tenant" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      const cursor = decodeToken(query.continuationToken, afterCursor);
      const page = await takePage(rows(deps, t.id, query, cursor?.after), query.pageSize, (r) => r.rowKey);
      return { status: 200, jsonBody: { ...page, items: page.items.map(item) } };
    },
  }),
  route({
    name: "historyCsv",
    method: "GET",
    path: "tenants/{id}/history.csv",
    access: "reader",
    summary: "The same history rows as CSV, streamed",
    query: csvQuery,
    responses: { 200: "text/csv", 404: "No such tenant" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      const source = Readable.from((async function* () {
        for await (const r of rows(deps, t.id, query)) yield { ...item(r), error: r.error ?? "" };
      })());
      const csv = source.pipe(stringify({ header: true, columns: [...COLUMNS] }));
      return {
        status: 200,
        headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="history-${t.id}.csv"` },
        body: csv,
      };
    },
  }),
];
