import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes } from "../../src/api/routes.js";
import { startApi, type TestApi } from "../support/api.js";

/** Issue 5: the OpenAPI 3.1 document at GET /openapi.json validates, and describes exactly the route table. */

type Doc = {
  openapi: string;
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};
type Operation = {
  operationId?: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
};

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

describe("portal API: OpenAPI document", () => {
  let api: TestApi;
  let doc: Doc;

  beforeAll(async () => {
    api = await startApi();
    const res = await api.call("GET", "/openapi.json", { token: api.reader });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => api?.stop());

  it("validates as OpenAPI 3.1", async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    if (!result.valid) console.error("OpenAPI validation errors:", JSON.stringify(result.errors, null, 2));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toMatch(/^3\.1/);
  });

  it("the validator does catch a broken document (so the pass above means something)", async () => {
    const broken = structuredClone(doc) as Record<string, unknown>;
    delete broken.info;
    (broken.paths as Record<string, unknown>)["/health"] = { get: { responses: "not an object" } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("lists every route of the table with its method, and nothing else", () => {
    const want = routes.map((r) => `${r.method.toLowerCase()} /${r.path}`).sort();
    const got = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).filter((m) => METHODS.has(m)).map((m) => `${m} ${path}`))
      .sort();
    expect(got).toEqual(want);
    for (const r of routes) expect(doc.paths[`/${r.path}`]?.[r.method.toLowerCase()]?.operationId, `${r.method} /${r.path}`).toBe(r.name);
    expect(new Set(routes.map((r) => r.name)).size).toBe(routes.length);
    expect(doc.servers?.[0]?.url).toBe(api.baseUrl);
  });

  it("describes each route's parameters, body, security and error shape from the same schemas", () => {
    for (const r of routes) {
      const op = doc.paths[`/${r.path}`]![r.method.toLowerCase()]!;
      const where = `${r.method} /${r.path}`;
      const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters?.filter((p) => p.in === "path").map((p) => p.name).sort() ?? [], where).toEqual(pathParams.sort());
      for (const p of op.parameters?.filter((x) => x.in === "path") ?? []) expect(p.required, `${where} {${p.name}}`).toBe(true);
      if (r.query) {
        const shape = (r.query as unknown as { shape?: Record<string, unknown> }).shape;
        if (shape) expect(op.parameters?.filter((p) => p.in === "query").map((p) => p.name).sort(), where).toEqual(Object.keys(shape).sort());
      } else {
        expect(op.parameters?.filter((p) => p.in === "query") ?? [], where).toEqual([]);
      }
      expect(op.requestBody !== undefined, `${where} requestBody`).toBe(r.body !== undefined);
      if (r.body) {
        const schema = op.requestBody!.content["application/json"]!.schema;
        // Unknown fields are refused, and the document says so.
        expect(schema.additionalProperties === false || Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf), `${where} additionalProperties`).toBe(true);
      }
      if (r.access === "anonymous") expect(op.security, where).toEqual([]);
      else {
        expect(op.responses["401"], `${where} 401`).toBeDefined();
        expect(op.responses["403"], `${where} 403`).toBeDefined();
      }
      for (const [status, resp] of Object.entries(op.responses)) {
        if (Number(status) >= 400) expect(resp.content?.["application/json"]?.schema, `${where} ${status}`).toEqual({ $ref: "#/components/schemas/Error" });
      }
    }
    expect(doc.components?.schemas?.Error).toMatchObject({ required: ["error"], properties: { error: { required: ["code", "message"] } } });
    expect(doc.components?.securitySchemes).toMatchObject({ bearer: { type: "http", scheme: "bearer" } });

    const add = doc.paths["/tenants"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(add.required).toEqual(expect.arrayContaining(["tenant", "cloud", "credential"]));
    expect((add.properties as Record<string, { enum?: string[] }>).cloud?.enum).toEqual(["global", "usgov", "usgovdod", "china"]);
    const history = doc.paths["/tenants/{id}/history"]!.get!.parameters!.find((p) => p.name === "pageSize")!;
    expect(history.schema).toMatchObject({ enum: ["50", "100", "1000"] });
  });
});
