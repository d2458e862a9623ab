import { stringify } from "csv-stringify";
import { Readable } from "node:stream";
import { z } from "zod";
import { publicError, type HistoryRecord } from "../../store/history-store.js";
import { afterCursor, decodeToken, encodeToken, takePage } from "../paging.js";
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

function item(r: Row) {
  return { runId: r.runId, trigger: r.trigger, type: r.type, startTime: r.startTime, endTime: r.endTime, total: r.total, changed: r.changed, deleted: r.deleted, filtered: r.filtered, status: r.status, ...(r.error ? { error: publicError(r.error) } : {}), ...(r.warnings?.length ? { warnings: r.warnings } : {}) };
}

/** Rows one search request examines at most: a search costs at most this many rows read, however long the history. */
export const SEARCH_SCAN_ROWS = 5_000;

type Row = HistoryRecord & { readonly rowKey: string };
type Query = { type?: string | undefined; search?: string | undefined };

const matches = (r: Row, needle: string): boolean => [r.runId, r.type, r.status, r.trigger, r.error ?? ""].some((f) => String(f).toLowerCase().includes(needle));

/** Newest first (the RowKey order); the type filter runs in the table. */
const rows = (deps: ApiDeps, tenantId: string, q: Query, after?: string): AsyncGenerator<Row> => deps.services.history.rows(tenantId, { after, type: q.type });

/** The text search, over at most SEARCH_SCAN_ROWS rows: a page may come back short, with a token that resumes the scan. */
async function searchPage(deps: ApiDeps, tenantId: string, q: Query & { search: string }, pageSize: number, after?: string): Promise<{ items: Row[]; continuationToken?: string }> {
  const needle = q.search.toLowerCase();
  const items: Row[] = [];
  let scanned = 0;
  let lastScanned: string | undefined;
  for await (const r of rows(deps, tenantId, q, after)) {
    const last = items[items.length - 1];
    if (items.length === pageSize && last) return { items, continuationToken: encodeToken({ after: last.rowKey }) };
    if (scanned === SEARCH_SCAN_ROWS && lastScanned !== undefined) return { items, continuationToken: encodeToken({ after: lastScanned }) };
    scanned++;
    lastScanned = r.rowKey;
    if (matches(r, needle)) items.push(r);
  }
  return { items };
}

export const historyRoutes = [
  route({
    name: "history",
    method: "GET",
    path: "tenants/{id}/history",
    access: "reader",
    summary: `Sync history per object type, newest first; pageSize 50, 100 or 1000; type filter; search reads at most ${SEARCH_SCAN_ROWS} rows per call (a short page carries a token)`,
    query: historyQuery,
    responses: { 200: "A page of history", 400: "Bad query", 404: "No such tenant" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      const cursor = decodeToken(query.continuationToken, afterCursor);
      const page =
        query.search !== undefined
          ? await searchPage(deps, t.id, { ...query, search: query.search }, query.pageSize, cursor?.after)
          : await takePage(rows(deps, t.id, query, cursor?.after), query.pageSize, (r) => r.rowKey);
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
        // The export streams every row (memory stays flat); a search there filters the stream.
        const needle = query.search?.toLowerCase();
        for await (const r of rows(deps, t.id, query)) if (!needle || matches(r, needle)) yield { ...item(r), error: r.error ? publicError(r.error) : "" };
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
