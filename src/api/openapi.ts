import { z } from "zod";
import type { Route } from "./route.js";

type JsonSchema = Record<string, unknown>;

const toSchema = (s: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
};

const ERROR_SCHEMA: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
    },
  },
};

/** The OpenAPI 3.1 document, generated from the same route table and zod schemas the handlers use. */
export function openApiDocument(routes: readonly Route[], serverUrl = "/api"): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/${r.path}`;
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query = r.query ? toSchema(r.query) : undefined;
    const required = new Set((query?.required as string[] | undefined) ?? []);
    const queryParams = Object.entries((query?.properties as Record<string, JsonSchema> | undefined) ?? {}).map(([name, schema]) => ({
      name,
      in: "query",
      required: required.has(name) && !("default" in schema),
      schema,
    }));
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(r.responses)) {
      responses[status] = Number(status) >= 400
        ? { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }
        : { description };
    }
    if (r.access !== "anonymous") {
      responses["401"] ??= { description: "Missing or invalid bearer token", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
      responses["403"] ??= { description: "The token lacks the app role", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      operationId: r.name,
      summary: r.summary,
      ...(r.access === "anonymous" ? { security: [] } : { "x-app-role": r.access === "admin" ? "Sync.Admin" : "Sync.Reader or Sync.Admin" }),
      ...(pathParams.length + queryParams.length > 0 ? { parameters: [...pathParams, ...queryParams] } : {}),
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(r.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Entra ID directory sync API", version: "1.0.0", description: "Portal API of the Entra ID directory sync service. Errors are { error: { code, message, details? } }." },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "An Entra ID access token for the API, with the app role Sync.Admin or Sync.Reader." } },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}
