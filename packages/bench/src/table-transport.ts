import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { matches, parseFilter, pinned } from "./odata-filter.js";
import { bodyText, countTableRequest, parseBatch, parseEntityUrl, SUB_REQUEST, zeroTableCounts, type TableCounts } from "./table-wire.js";

/** What the fake keeps of one table. */
export type FakeTableKind =
  /** Small bookkeeping tables (SyncState, Held, History…): rows kept whole, queries answered exactly. */
  | { readonly kind: "store" }
  /**
   * Keys and one property (`field`: the Objects table's content hash, the
   * Members table's memberType), so a delta run can tell additions from
   * updates and removals, and counts and key lookups answer as the service
   * would.
   */
  | { readonly kind: "keys"; readonly field: string; readonly keepData?: boolean }
  /** A row count per partition only; key-only reads answer with that many synthetic rows. */
  | { readonly kind: "count" }
  /** Acknowledged, counted, forgotten; queries answer empty. */
  | { readonly kind: "drop" };

type Row = Record<string, unknown>;

const PER_PARENT_PARTITION = /\|(appRoleAssignments|servicePrincipals|applications|applicationOwners|servicePrincipalOwners)\|(\d+|plan)$/;

const QUERY_PAGE = 1000;
const MAX_CURSORS = 1024;

/** Attribute index rows (src/query/index-keys.ts) and reverse links (src/store/reverse-links.ts). */
const QUERY_PARTITION = /\|(ix|reverse)\|/;

/**
 * A flat copy of a string. Regex matches and slices of a batch body are V8
 * "sliced strings" that keep the whole body (tens of KB) alive; a key kept
 * for the run must not pin its request.
 */
function own(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

const notFound = { "odata.error": { code: "ResourceNotFound", message: { lang: "en-US", value: "The specified resource does not exist." } } };

/** A synthetic user's data for key-only and counted rows read back in full (see FakeTableService). */
function syntheticData(pk: string, rk: string): string {
  return pk.includes("|users|")
    ? JSON.stringify({ id: rk, userPrincipalName: `${rk}@bench.example.onmicrosoft.com`, mail: `${rk}@bench.example.onmicrosoft.com` })
    : JSON.stringify({ id: rk });
}

/**
 * An HttpClient for TableClient that answers like the Table service without
 * holding the directory: batches get a valid multipart response (every
 * sub-response 204), single writes 204, table creation 201, queries a JSON
 * page of at most 1,000 rows with continuation headers. What each table
 * keeps is its FakeTableKind; $filter is evaluated on what is kept, and a
 * property not kept is missing (so a comparison with it is false, as in the
 * service). Rows read back in full from a "keys" or "count" table (the
 * engine reads all stored users at the end of a run, for its warnings) carry
 * synthetic data — an id, and for users a userPrincipalName and mail — so
 * that read-back costs requests, parsing and memory as it would.
 */
export class FakeTableService implements HttpClient {
  readonly counts: TableCounts = zeroTableCounts();
  private readonly stored = new Map<string, Map<string, Map<string, Row>>>();
  private readonly keys = new Map<string, Map<string, Map<string, string>>>();
  private readonly rowCounts = new Map<string, Map<string, number>>();
  /** Count tables: the keys of partitions whose rows repeat in a full scan (groups, roles), so a row written twice counts once. */
  private readonly distinct = new Map<string, Set<string>>();
  /** Keys tables with keepData: each row's data properties (and soft-delete mark), which a delta run merges over. */
  private readonly rowData = new Map<string, Map<string, Row>>();
  private readonly interned = new Map<string, string>();
  /** Open query walks by continuation token (see query). */
  private readonly cursors = new Map<string, { readonly walk: Generator<Row, void>; readonly pending: Row }>();
  private cursorSerial = 0;

  constructor(
    private readonly kindOf: (table: string) => FakeTableKind,
    private readonly roleOf: (table: string) => string = (t) => t,
    /** Added to every request (0 by default: the fake answers at once). */
    private readonly latencyMs = 0,
  ) {}

  /** Keys held by "keys" tables: the fake's own memory, inside the measured process. */
  get keyCount(): number {
    let n = 0;
    for (const t of this.keys.values()) for (const p of t.values()) n += p.size;
    return n;
  }

  async sendRequest(req: PipelineRequest): Promise<PipelineResponse> {
    countTableRequest(this.counts, req, this.roleOf);
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const method = req.method.toUpperCase();
    const url = new URL(req.url);
    if (method === "POST" && url.pathname.endsWith("/$batch")) return this.batch(req);
    if (method === "POST" && url.pathname.endsWith("/Tables")) {
      const name = (JSON.parse(bodyText(req) || "{}") as { TableName?: string }).TableName ?? "";
      return this.respond(req, 201, { TableName: name });
    }
    const target = parseEntityUrl(req.url);
    if (!target) return this.respond(req, 400, { "odata.error": { code: "InvalidUri", message: { lang: "en-US", value: req.url } } });
    if (method === "GET") {
      if (target.pk !== undefined && target.rk !== undefined) return this.pointRead(req, target.table, target.pk, target.rk);
      return this.query(req, target.table, url);
    }
    if (target.pk === undefined || target.rk === undefined) {
      // POST /Table: createEntity.
      const text = bodyText(req);
      const row = JSON.parse(text || "{}") as Row;
      this.write(target.table, "PUT", String(row.PartitionKey), String(row.RowKey), text);
      return this.respond(req, 204);
    }
    const found = this.write(target.table, method, target.pk, target.rk, method === "DELETE" ? "" : bodyText(req));
    if (method === "DELETE" && !found && this.kindAt(target.table, target.pk).kind === "store") return this.respond(req, 404, notFound);
    return this.respond(req, 204, undefined, { ETag: this.etag() });
  }

  /**
   * A per-parent kind (app role assignments, owners of applications and service principals) queries its rows by parent and
   * principal and its parents' rows by Timestamp, and keeps its plan row
   * beside them: those partitions, a few thousand rows at most, are kept whole.
   */
  private kindAt(table: string, pk: string): FakeTableKind {
    if (PER_PARENT_PARTITION.test(pk)) return { kind: "store" };
    const k = this.kindOf(table);
    // With the keys index (the delta run's), the query layer's index rows and reverse links are kept whole, so queries answer.
    return k.kind === "keys" && QUERY_PARTITION.test(pk) ? { kind: "store" } : k;
  }

  private etag(): string {
    return `W/"datetime'${encodeURIComponent(new Date().toISOString())}'"`;
  }

  private respond(req: PipelineRequest, status: number, body?: unknown, headers: Record<string, string> = {}): PipelineResponse {
    const h = createHttpHeaders({ "x-ms-request-id": randomUUID(), "x-ms-version": "2019-02-02", ...headers });
    if (body !== undefined) h.set("content-type", "application/json;odata=minimalmetadata;streaming=true;charset=utf-8");
    return { request: req, status, headers: h, bodyAsText: body === undefined ? "" : JSON.stringify(body) };
  }

  /** Repeated values (memberType) shared; unique ones (hashes) copied flat. */
  private intern(s: string): string {
    const have = this.interned.get(s);
    if (have !== undefined) return have;
    const flat = own(s);
    if (this.interned.size < 1000 && s.length < 32 && !/^[A-Za-z0-9_-]{27}$/.test(s)) this.interned.set(flat, flat);
    return flat;
  }

  /** Applies one write; returns whether the row existed before (true for tables that cannot tell). */
  private write(table: string, method: string, pk: string, rk: string, body: string): boolean {
    const k = this.kindAt(table, pk);
    if (k.kind === "drop") return true;
    if (k.kind === "count") {
      let t = this.rowCounts.get(table);
      if (!t) this.rowCounts.set(table, (t = new Map<string, number>()));
      // Only whole-row writes add a row (a merge marks one already there).
      if (pk.includes("|groups|") || pk.includes("|directoryRoles|")) {
        const key = `${pk}\u0000${rk}`;
        if (method === "DELETE" ? !this.distinct.get(table)?.delete(key) : method !== "PUT" || this.distinct.get(table)?.has(key)) return true;
        if (method === "PUT") {
          let d = this.distinct.get(table);
          if (!d) this.distinct.set(table, (d = new Set()));
          d.add(own(key));
        }
      }
      if (method === "DELETE") t.set(own(pk), Math.max(0, (t.get(pk) ?? 0) - 1));
      else if (method === "PUT") t.set(own(pk), (t.get(pk) ?? 0) + 1);
      return true;
    }
    if (k.kind === "keys") {
      let t = this.keys.get(table);
      if (!t) this.keys.set(table, (t = new Map<string, Map<string, string>>()));
      let p = t.get(pk);
      if (k.keepData) this.keepData(table, pk, rk, method, body);
      if (method === "DELETE") return p?.delete(rk) ?? false;
      if (!p) t.set(own(pk), (p = new Map<string, string>()));
      const had = p.get(rk);
      // A merge without the field (the full scan's "seen" mark) keeps the stored value.
      const v = new RegExp(`"${k.field}":"([^"]*)"`).exec(body)?.[1];
      p.set(had === undefined ? own(rk) : rk, v !== undefined ? this.intern(v) : (had ?? ""));
      return had !== undefined;
    }
    let t = this.stored.get(table);
    if (!t) this.stored.set(table, (t = new Map<string, Map<string, Row>>()));
    let p = t.get(pk);
    if (method === "DELETE") return p?.delete(rk) ?? false;
    if (!p) t.set(own(pk), (p = new Map<string, Row>()));
    const before = p.get(rk);
    const row = (body ? JSON.parse(body) : {}) as Row;
    const merged = method === "PATCH" || method === "MERGE" ? { ...before, ...row } : row;
    p.set(own(rk), { ...merged, PartitionKey: own(pk), RowKey: own(rk), Timestamp: new Date().toISOString().replace("Z", "0000Z") });
    return before !== undefined;
  }

  private keepData(table: string, pk: string, rk: string, method: string, body: string): void {
    let t = this.rowData.get(table);
    if (!t) this.rowData.set(table, (t = new Map<string, Row>()));
    const key = `${pk}\u0000${rk}`;
    if (method === "DELETE") {
      t.delete(key);
      return;
    }
    const row = (body ? JSON.parse(body) : {}) as Row;
    const kept: Row = {};
    // `scan` (the run that last saw the row) too: a full list's sweep queries `scan ne run`, which a missing property never matches.
    for (const [f, v] of Object.entries(row)) if (/^data/.test(f) || f === "hidden" || f === "hiddenAt" || f === "scan") kept[f] = v;
    const merge = method === "PATCH" || method === "MERGE";
    if (merge && Object.keys(kept).length === 0) return;
    t.set(own(key), merge ? { ...t.get(key), ...kept } : kept);
  }

  private batch(req: PipelineRequest): PipelineResponse {
    const text = bodyText(req);
    // A transaction holds one table; rows of a dropped table need no parsing.
    const firstUrl = /\n(?:PUT|PATCH|MERGE|DELETE|POST) (\S+) HTTP\/1\.1/.exec(text)?.[1];
    const drop = firstUrl !== undefined && this.kindOf(parseEntityUrl(firstUrl)?.table ?? "").kind === "drop";
    const subs = drop ? [] : parseBatch(text);
    const n = drop ? (text.match(SUB_REQUEST)?.length ?? 0) : subs.length;
    for (const s of subs) {
      const target = parseEntityUrl(s.url);
      if (!target) continue;
      if (target.pk !== undefined && target.rk !== undefined) {
        this.write(target.table, s.method, target.pk, target.rk, s.method === "DELETE" ? "" : s.body);
      } else if (s.method === "POST" && s.body) {
        const row = JSON.parse(s.body) as Row;
        this.write(target.table, "PUT", String(row.PartitionKey), String(row.RowKey), s.body);
      }
    }
    const batchId = `batchresponse_${randomUUID()}`;
    const changeset = `changesetresponse_${randomUUID()}`;
    const part =
      `--${changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n` +
      `HTTP/1.1 204 No Content\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nDataServiceVersion: 1.0;\r\nETag: ${this.etag()}\r\n\r\n\r\n`;
    const body = `--${batchId}\r\nContent-Type: multipart/mixed; boundary=${changeset}\r\n\r\n${part.repeat(n)}--${changeset}--\r\n--${batchId}--\r\n`;
    return { request: req, status: 202, headers: createHttpHeaders({ "content-type": `multipart/mixed; boundary=${batchId}`, "x-ms-request-id": randomUUID() }), bodyAsText: body };
  }

  private pointRead(req: PipelineRequest, table: string, pk: string, rk: string): PipelineResponse {
    const row = this.kindAt(table, pk).kind === "store" ? this.stored.get(table)?.get(pk)?.get(rk) : undefined;
    if (!row) return this.respond(req, 404, notFound);
    const etag = this.etag();
    return this.respond(req, 200, { "odata.metadata": `${table}/@Element`, "odata.etag": etag, ...row }, { ETag: etag });
  }

  /** The rows a table can show for a partition (or all partitions), lazily, in a stable order. */
  private *candidates(table: string, pk: string | undefined, rowKeys: readonly string[] | undefined, full: boolean): Generator<Row, void> {
    const k = pk === undefined ? this.kindOf(table) : this.kindAt(table, pk);
    if (k.kind === "store") {
      const t = this.stored.get(table);
      for (const p of pk !== undefined ? [t?.get(pk)] : [...(t?.values() ?? [])]) {
        if (!p) continue;
        if (rowKeys) {
          for (const rk of rowKeys) {
            const r = p.get(rk);
            if (r) yield r;
          }
        } else yield* p.values();
      }
    } else if (k.kind === "keys") {
      const t = this.keys.get(table);
      const parts: Array<[string, Map<string, string>]> = pk !== undefined ? [[pk, t?.get(pk) ?? new Map<string, string>()]] : [...(t?.entries() ?? [])];
      for (const [p, m] of parts) {
        const row = (rk: string, v: string): Row => {
          const r: Row = { PartitionKey: p, RowKey: rk, [k.field]: v };
          if (k.field === "memberType") {
            const bar = rk.indexOf("|");
            r.containerId = rk.slice(0, bar);
            r.memberId = rk.slice(bar + 1);
          } else {
            const kept = k.keepData ? this.rowData.get(table)?.get(`${p}\u0000${rk}`) : undefined;
            if (kept?.hidden !== undefined) r.hidden = kept.hidden;
            if (kept?.hiddenAt !== undefined) r.hiddenAt = kept.hiddenAt;
            if (kept?.scan !== undefined) r.scan = kept.scan;
            if (full && kept?.dataChunks !== undefined) Object.assign(r, kept);
            else if (full) {
              r.dataChunks = 1;
              r.data0 = syntheticData(p, rk);
            }
          }
          return r;
        };
        if (rowKeys) {
          for (const rk of rowKeys) {
            const v = m.get(rk);
            if (v !== undefined) yield row(rk, v);
          }
        } else for (const [rk, v] of m) yield row(rk, v);
      }
    } else if (k.kind === "count") {
      const t = this.rowCounts.get(table);
      const parts: Array<[string, number]> = pk !== undefined ? [[pk, t?.get(pk) ?? 0]] : [...(t?.entries() ?? [])];
      for (const [p, n] of parts) {
        for (let i = 0; i < n; i++) {
          const rk = `synthetic-${String(i).padStart(8, "0")}-0000-0000-0000-000000000000`;
          yield full ? { PartitionKey: p, RowKey: rk, dataChunks: 1, data0: syntheticData(p, rk) } : { PartitionKey: p, RowKey: rk };
        }
      }
    }
  }

  private query(req: PipelineRequest, table: string, url: URL): PipelineResponse {
    const filterText = url.searchParams.get("$filter") ?? "";
    const select = (url.searchParams.get("$select") ?? "").split(",").filter(Boolean);
    const filter = parseFilter(filterText);
    const pk = pinned(filter, "PartitionKey");
    const rowKeys = pinned(filter, "RowKey");
    // A continuation resumes where the last page stopped, as the service's does
    // (its NextPartitionKey/NextRowKey name the next row: storageservices
    // query-timeout-and-pagination): the open walk is kept under the token, so
    // a sweep of a large partition is not walked again from its start per page.
    const token = url.searchParams.get("NextRowKey");
    const cursor = token ? this.cursors.get(token) : undefined;
    // A token it did not hand out (or dropped) is refused, not read as "from the start": what the service answers to one is not documented.
    if (token && !cursor) return this.respond(req, 400, { "odata.error": { code: "InvalidInput", message: { lang: "en-US", value: "The continuation token is not one this service handed out, or it expired." } } });
    if (token) this.cursors.delete(token);
    const walk = cursor?.walk ?? this.candidates(table, pk?.length === 1 ? pk[0] : undefined, rowKeys, select.length === 0);
    const step = (): Row | undefined => {
      const s = walk.next();
      return s.done === true ? undefined : s.value;
    };
    const page: Row[] = [];
    // The first matching row past a full page waits under the token for the next one.
    let next: Row | undefined;
    for (let r = cursor?.pending ?? step(); r; r = step()) {
      if (!matches(filter, r)) continue;
      if (page.length === QUERY_PAGE) {
        next = r;
        break;
      }
      page.push(select.length ? Object.fromEntries(select.filter((f) => r[f] !== undefined).map((f) => [f, r[f]])) : r);
    }
    const headers: Record<string, string> = {};
    if (next) {
      const id = String(++this.cursorSerial);
      this.cursors.set(id, { walk, pending: next });
      // Abandoned walks are dropped oldest first, so a reader that stops early does not hold them.
      if (this.cursors.size > MAX_CURSORS) this.cursors.delete(this.cursors.keys().next().value!);
      headers["x-ms-continuation-NextPartitionKey"] = "next";
      headers["x-ms-continuation-NextRowKey"] = id;
    }
    return this.respond(req, 200, { "odata.metadata": table, value: page }, headers);
  }
}
