/**
 * An entity group transaction ($batch) written once and sent through the
 * TableClient's own pipeline (its signing, retry and logging policies), for
 * the sync's bulk writes. Why not `submitTransaction`: the SDK builds every
 * action by running a full generated operation through a throw-away
 * TableClient and pipeline per transaction (@azure/data-tables
 * TableTransaction.ts), which the bench measured as the largest share of the
 * sync's CPU (README, "Benchmark"). The body is byte for byte what the SDK
 * 13.x sends (test/store/table-batch.test.ts compares them), as the REST
 * reference describes it (Table service REST API, "Performing entity group
 * transactions"). Entities with values other than strings, numbers and
 * booleans, and Cosmos DB endpoints, go through the SDK instead.
 */
import { randomUUID } from "node:crypto";
import { RestError, type TableClient, type TableEntity } from "@azure/data-tables";
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest, type HttpClient } from "@azure/core-rest-pipeline";

export type BatchOp =
  | { readonly kind: "upsert"; readonly entity: TableEntity; readonly mode: "Merge" | "Replace" }
  | { readonly kind: "delete"; readonly pk: string; readonly rk: string };

const CRLF = "\r\n";
const defaultHttpClient = createDefaultHttpClient();
/** A TableClient built with its own httpClient (the bench's counting transport) sends its batches through it too. */
const httpClients = new WeakMap<TableClient, HttpClient>();

export function useBatchHttpClient(table: TableClient, httpClient: HttpClient): void {
  httpClients.set(table, httpClient);
}

/** Key segment of an entity URL: quotes doubled (OData string literal), then percent-encoded, as the SDK's escapeQuotes and URL helpers do. */
const key = (s: string): string => encodeURIComponent(s.replace(/'/g, "''"));

/**
 * The JSON body of one entity, with the service's key names; undefined when
 * a value needs the SDK's EDM typing. One JSON.stringify of the whole object
 * (about a quarter faster than one per value, the bench's largest self time).
 */
function entityJson(e: TableEntity): string | undefined {
  const out: Record<string, unknown> = { PartitionKey: e.partitionKey, RowKey: e.rowKey };
  for (const name in e) {
    if (name === "partitionKey" || name === "rowKey") continue;
    const v = (e as Record<string, unknown>)[name];
    if (v === undefined) continue;
    // `__proto__` would set the object's prototype, not a property: the SDK writes that one.
    if (name === "etag" || name === "timestamp" || name === "PartitionKey" || name === "RowKey" || name === "__proto__") return undefined;
    if (typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || v === null) out[name] = v;
    else return undefined;
  }
  return JSON.stringify(out);
}

/** The request body, or undefined when an entity needs the SDK. */
export function batchBody(tableUrl: string, batchId: string, changesetId: string, ops: readonly BatchOp[]): string | undefined {
  const parts: string[] = [`--batch_${batchId}${CRLF}content-type: multipart/mixed; boundary=changeset_${changesetId}${CRLF}${CRLF}`];
  const head = `--changeset_${changesetId}${CRLF}content-type: application/http${CRLF}content-transfer-encoding: binary${CRLF}${CRLF}`;
  // A transaction's entities share one PartitionKey (Table service REST API, "Performing entity group transactions"): encoded once.
  let pk: string | undefined;
  let pkKey = "";
  const partition = (p: string): string => {
    if (p !== pk) {
      pk = p;
      pkKey = key(p);
    }
    return pkKey;
  };
  for (const op of ops) {
    if (op.kind === "delete") {
      const url = `${tableUrl}(PartitionKey='${partition(op.pk)}',RowKey='${key(op.rk)}')`;
      parts.push(`${head}DELETE ${url} HTTP/1.1${CRLF}Accept: application/json;odata=minimalmetadata${CRLF}DataServiceVersion: 3.0${CRLF}If-Match: *${CRLF}${CRLF}`);
      continue;
    }
    const json = entityJson(op.entity);
    if (json === undefined) return undefined;
    const url = `${tableUrl}(PartitionKey='${partition(op.entity.partitionKey)}',RowKey='${key(op.entity.rowKey)}')`;
    // Insert Or Replace is PUT, Insert Or Merge is PATCH (MERGE's standard form), neither with If-Match.
    const verb = op.mode === "Replace" ? "PUT" : "PATCH";
    parts.push(`${head}${verb} ${url} HTTP/1.1${CRLF}Content-Type: application/json${CRLF}DataServiceVersion: 3.0${CRLF}Accept: application/json${CRLF}${CRLF}${CRLF}${json}`);
  }
  return `${parts.join(CRLF)}${CRLF}--changeset_${changesetId}--${CRLF}--batch_${batchId}--${CRLF}`;
}

/** Throws as the SDK does (a RestError with the failing sub-response's status and OData error) when the transaction failed. */
function checkResponse(status: number, text: string): void {
  let failed = status < 200 || status >= 300 ? status : 0;
  let errorText = text;
  if (!failed) {
    for (const m of text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)) {
      const s = Number(m[1]);
      if (s >= 300) {
        failed = s;
        errorText = text.slice(m.index);
        break;
      }
    }
  }
  if (!failed) return;
  let code: string | undefined;
  let message = "Transaction Failed";
  const json = /\{.*\}/s.exec(errorText)?.[0];
  if (json) {
    try {
      const e = (JSON.parse(json) as { "odata.error"?: { code?: string; message?: { value?: string } } })["odata.error"];
      code = e?.code;
      message = e?.message?.value ?? message;
    } catch {
      // Not JSON: the status alone.
    }
  }
  throw new RestError(message, { statusCode: failed, ...(code !== undefined ? { code } : {}) });
}

/** Commits one transaction (one partition, ≤ 100 rows); falls back to `submitTransaction` for entities it does not write. */
export async function submitBatch(table: TableClient, ops: readonly BatchOp[]): Promise<void> {
  const batchId = randomUUID();
  const changesetId = randomUUID();
  const base = table.url.endsWith("/") ? table.url : `${table.url}/`;
  const body = batchBody(`${base}${table.tableName}`, batchId, changesetId, ops);
  // Cosmos DB's Table API takes a merge as POST with X-HTTP-Method: MERGE (the SDK's cosmosPatchPolicy, isCosmosEndpoint): left to the SDK.
  if (body === undefined || /\.table\.cosmos(db)?\./i.test(new URL(base).hostname)) {
    await table.submitTransaction(ops.map((op) => (op.kind === "upsert" ? ["upsert", op.entity, op.mode] : ["delete", { partitionKey: op.pk, rowKey: op.rk }])));
    return;
  }
  const request = createPipelineRequest({
    url: `${base}$batch`,
    method: "POST",
    body,
    headers: createHttpHeaders({
      accept: "application/json",
      "x-ms-version": "2019-02-02",
      DataServiceVersion: "3.0;",
      MaxDataServiceVersion: "3.0;NetFx",
      "Content-Type": `multipart/mixed; boundary=batch_${batchId}`,
      "Accept-Charset": "UTF-8",
      Connection: "Keep-Alive",
    }),
    allowInsecureConnection: base.startsWith("http:"),
  });
  const res = await table.pipeline.sendRequest(httpClients.get(table) ?? defaultHttpClient, request);
  checkResponse(res.status, res.bodyAsText ?? "");
}
