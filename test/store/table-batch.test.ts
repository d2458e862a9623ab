import { describe, expect, it } from "vitest";
import { AzureNamedKeyCredential, TableClient, type TableEntity } from "@azure/data-tables";
import { createHttpHeaders, type HttpClient, type PipelineRequest } from "@azure/core-rest-pipeline";
import { batchBody, submitBatch, useBatchHttpClient, type BatchOp } from "../../src/store/table-batch.js";
import { statusOf } from "../../src/store/status-code.js";

const CONNECTION =
  "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFTTOe2Bb3RQ3FQtTbQ==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";

/** A transport that records each request and answers as the Table service does: 202 with one sub-response per part, or a failed one. */
function recorder(answer: (body: string) => { status: number; body: string }): { http: HttpClient; sent: PipelineRequest[] } {
  const sent: PipelineRequest[] = [];
  return {
    sent,
    http: {
      sendRequest(req) {
        sent.push(req);
        const a = answer(typeof req.body === "string" ? req.body : "");
        return Promise.resolve({ request: req, status: a.status, headers: createHttpHeaders({ "content-type": "multipart/mixed; boundary=batchresponse_x" }), bodyAsText: a.body });
      },
    },
  };
}

const ok = (body: string) => {
  const n = body.match(/^(PUT|PATCH|DELETE) /gm)?.length ?? 0;
  const part = "--changesetresponse_y\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\nETag: W/\"x\"\r\n\r\n";
  return { status: 202, body: `--batchresponse_x\r\nContent-Type: multipart/mixed; boundary=changesetresponse_y\r\n\r\n${part.repeat(n)}--changesetresponse_y--\r\n--batchresponse_x--\r\n` };
};

const OPS: BatchOp[] = [
  { kind: "upsert", entity: { partitionKey: "t|users|0", rowKey: "a'b c/é", s: "x\"q\n", n: 5, f: 1.5, b: true, z: null, big: 2 ** 40, neg: -3 }, mode: "Replace" },
  { kind: "upsert", entity: { partitionKey: "t|users|0", rowKey: "m", s: "y" }, mode: "Merge" },
  { kind: "delete", pk: "t|users|0", rk: "d'1" },
];

const text = (r: PipelineRequest): string => (typeof r.body === "string" ? r.body : "");

/** The body without its random boundaries. */
const normal = (body: string) => body.replace(/(batch|changeset)_[0-9a-f-]{36}/g, "$1_ID");

describe("submitBatch: the $batch request written once", () => {
  it("sends the same body and headers as the SDK's submitTransaction, through the client's pipeline (signed)", async () => {
    const sdk = recorder(ok);
    const ours = recorder(ok);
    const a = TableClient.fromConnectionString(CONNECTION, "pxObjects", { allowInsecureConnection: true, httpClient: sdk.http });
    const b = TableClient.fromConnectionString(CONNECTION, "pxObjects", { allowInsecureConnection: true, httpClient: ours.http });
    useBatchHttpClient(b, ours.http);
    await a.submitTransaction(OPS.map((o) => (o.kind === "upsert" ? ["upsert", o.entity, o.mode] : ["delete", { partitionKey: o.pk, rowKey: o.rk }])));
    await submitBatch(b, OPS);
    const [x, y] = [sdk.sent[0]!, ours.sent[0]!];
    expect(y.url).toBe(x.url);
    expect(y.method).toBe("POST");
    expect(normal(text(y))).toBe(normal(text(x)));
    expect(text(x)).toContain("DELETE ");
    const headers = (r: PipelineRequest) => {
      const h = r.headers.toJSON();
      delete h["x-ms-client-request-id"];
      delete h["x-ms-date"];
      delete h.authorization;
      h["content-type"] = normal(h["content-type"] ?? "");
      return h;
    };
    expect(headers(y)).toEqual(headers(x));
    expect(y.headers.get("authorization")).toMatch(/^SharedKeyLite devstoreaccount1:/);
  });

  it("throws the failing sub-response's status and code, as the SDK does", async () => {
    const failing = recorder(() => ({
      status: 202,
      body: '--batchresponse_x\r\nContent-Type: multipart/mixed; boundary=changesetresponse_y\r\n\r\n--changesetresponse_y\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\r\n{"odata.error":{"code":"ResourceNotFound","message":{"lang":"en-US","value":"2:The specified resource does not exist."}}}\r\n--changesetresponse_y--\r\n--batchresponse_x--\r\n',
    }));
    const c = TableClient.fromConnectionString(CONNECTION, "pxObjects", { allowInsecureConnection: true, httpClient: failing.http });
    useBatchHttpClient(c, failing.http);
    const err: unknown = await submitBatch(c, OPS).catch((e: unknown) => e);
    expect(statusOf(err)).toBe(404);
    expect((err as { code?: string }).code).toBe("ResourceNotFound");
    const bad = recorder(() => ({ status: 400, body: '{"odata.error":{"code":"InvalidInput","message":{"value":"bad"}}}' }));
    const d = TableClient.fromConnectionString(CONNECTION, "pxObjects", { allowInsecureConnection: true, httpClient: bad.http });
    useBatchHttpClient(d, bad.http);
    expect(statusOf(await submitBatch(d, OPS).catch((e: unknown) => e))).toBe(400);
  });

  it("leaves entities with typed values (dates, binary) to the SDK", async () => {
    const rec = recorder(ok);
    const c = TableClient.fromConnectionString(CONNECTION, "pxObjects", { allowInsecureConnection: true, httpClient: rec.http });
    useBatchHttpClient(c, rec.http);
    await submitBatch(c, [{ kind: "upsert", entity: { partitionKey: "p", rowKey: "r", at: new Date("2026-01-01T00:00:00Z") }, mode: "Replace" }]);
    expect(text(rec.sent[0]!)).toContain('"at@odata.type":"Edm.DateTime"');
  });

  it("leaves an entity with a property named __proto__ to the SDK, which keeps it as a property", () => {
    // One JSON.stringify of a plain object would take `__proto__` as the object's prototype and drop the value.
    const entity = JSON.parse('{"partitionKey":"p","rowKey":"r","__proto__":"x","name":"n"}') as TableEntity;
    expect(batchBody("http://127.0.0.1/t", "b", "c", [{ kind: "upsert", entity, mode: "Replace" }])).toBeUndefined();
    expect(batchBody("http://127.0.0.1/t", "b", "c", [{ kind: "upsert", entity: { partitionKey: "p", rowKey: "r", name: "n" }, mode: "Replace" }])).toContain('{"PartitionKey":"p","RowKey":"r","name":"n"}');
  });

  it("leaves Cosmos DB endpoints to the SDK, which sends a merge there as POST with X-HTTP-Method: MERGE", async () => {
    const rec = recorder(ok);
    const c = new TableClient("https://acct.table.cosmos.azure.com", "pxObjects", new AzureNamedKeyCredential("acct", "a2V5"), { httpClient: rec.http });
    useBatchHttpClient(c, rec.http);
    await submitBatch(c, [{ kind: "upsert", entity: { partitionKey: "p", rowKey: "r", s: "x" }, mode: "Merge" }]);
    expect(text(rec.sent[0]!)).toMatch(/^POST https:\/\/acct\.table\.cosmos\.azure\.com\/pxObjects\(/m);
    expect(text(rec.sent[0]!)).toContain("X-HTTP-Method: MERGE");
  });
});
