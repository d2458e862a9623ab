// Table requests on the wire: entity URLs and $batch bodies parsed, and each request counted.
import type { HttpClient, PipelineRequest } from "@azure/core-rest-pipeline";

/**
 * Table traffic as the service sends it, counted at the HTTP transport under
 * the real TableClient (so the SDK's serialization, signing and batching all
 * run). Both the fake transport and the Azurite pass-through count through
 * this one classifier.
 */
export interface TableCounts {
  /** Write requests: one `$batch` is one transaction, a single upsert/delete is one too. */
  transactions: number;
  /** Entities in those writes (a batch of 60 upserts is 60). */
  entities: number;
  /** Of the transactions, how many were `$batch`es. */
  batches: number;
  /** GETs (queries and point reads), each page one request. */
  reads: number;
  /** Create-table calls, not counted as transactions. */
  tableCreates: number;
  /** Transactions per table role (Objects, Members, SyncState, …). */
  byTable: Record<string, number>;
  /** Reads per table role. */
  readsByTable: Record<string, number>;
  /** Entities written per table role (the write amplification of the change feed). */
  entitiesByTable: Record<string, number>;
}

export const zeroTableCounts = (): TableCounts => ({ transactions: 0, entities: 0, batches: 0, reads: 0, tableCreates: 0, byTable: {}, readsByTable: {}, entitiesByTable: {} });

export const SUB_REQUEST = /^(PUT|PATCH|MERGE|DELETE|POST) (\S+) HTTP\/1\.1\r?$/gm;
const ENTITY_URL = /\/([A-Za-z0-9]+)(?:\(([^)]*)\))?$/;

/** Table name and keys of an entity URL such as `…/pxObjects(PartitionKey='a',RowKey='b')`. */
export function parseEntityUrl(url: string): { table: string; pk?: string; rk?: string } | undefined {
  const path = new URL(url).pathname;
  const m = ENTITY_URL.exec(path);
  if (!m) return undefined;
  const table = m[1]!;
  const keys = m[2];
  if (!keys) return { table };
  const pk = /PartitionKey='((?:[^']|'')*)'/.exec(keys)?.[1];
  const rk = /RowKey='((?:[^']|'')*)'/.exec(keys)?.[1];
  const dec = (s: string | undefined) => (s === undefined ? undefined : decodeURIComponent(s).replace(/''/g, "'"));
  return { table, ...(pk !== undefined ? { pk: dec(pk)! } : {}), ...(rk !== undefined ? { rk: dec(rk)! } : {}) };
}

export function bodyText(req: PipelineRequest): string {
  const b = req.body;
  if (typeof b === "string") return b;
  if (b instanceof Uint8Array) return Buffer.from(b).toString("utf8");
  return "";
}

/** Counts one request into `c`; `roleOf` maps a physical table name to its role for byTable. */
export function countTableRequest(c: TableCounts, req: PipelineRequest, roleOf: (table: string) => string): void {
  const method = req.method.toUpperCase();
  const path = new URL(req.url).pathname;
  if (method === "GET") {
    c.reads++;
    const table = parseEntityUrl(req.url)?.table;
    const role = table ? roleOf(table) : "?";
    c.readsByTable[role] = (c.readsByTable[role] ?? 0) + 1;
    return;
  }
  if (method === "POST" && path.endsWith("/Tables")) {
    c.tableCreates++;
    return;
  }
  const bump = (table: string | undefined, entities = 1) => {
    const role = table ? roleOf(table) : "?";
    c.byTable[role] = (c.byTable[role] ?? 0) + 1;
    c.entitiesByTable[role] = (c.entitiesByTable[role] ?? 0) + entities;
  };
  if (method === "POST" && path.endsWith("/$batch")) {
    const body = bodyText(req);
    let n = 0;
    let table: string | undefined;
    for (const m of body.matchAll(SUB_REQUEST)) {
      n++;
      table ??= parseEntityUrl(m[2]!)?.table;
    }
    c.transactions++;
    c.batches++;
    c.entities += n;
    bump(table, n);
    return;
  }
  c.transactions++;
  c.entities++;
  bump(parseEntityUrl(req.url)?.table);
}

/** The pass-through for a real table service (Azurite): counts, then sends. */
export function countingHttpClient(inner: HttpClient, counts: () => TableCounts, roleOf: (table: string) => string): HttpClient {
  return {
    sendRequest(req) {
      countTableRequest(counts(), req, roleOf);
      return inner.sendRequest(req);
    },
  };
}

interface SubRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

/** Sub-requests of a `$batch` body: method, URL and JSON body of each changeset part. */
export function parseBatch(body: string): SubRequest[] {
  const boundary = /boundary=(changeset_[A-Za-z0-9-]+)/.exec(body)?.[1];
  if (!boundary) return [];
  const parts = body.split(`--${boundary}`).slice(1);
  const out: SubRequest[] = [];
  for (const part of parts) {
    if (part.startsWith("--")) break;
    const lines = part.split(/\r?\n/);
    const at = lines.findIndex((l) => /^(PUT|PATCH|MERGE|DELETE|POST) \S+ HTTP\/1\.1$/.test(l));
    if (at < 0) continue;
    const [method, url] = lines[at]!.split(" ") as [string, string];
    let i = at + 1;
    while (i < lines.length && lines[i] !== "") i++;
    const rest = lines.slice(i + 1).join("\n").trim();
    out.push({ method, url, body: rest });
  }
  return out;
}
