import openapiTS, { astToString } from "openapi-typescript";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "../../../src/api/openapi.js";
import { routes } from "../../../src/api/routes.js";

/** The checked-in client types, generated from the API's own OpenAPI document (the route table and its zod schemas). */
export const API_TYPES_FILE = fileURLToPath(new URL("../src/api/schema.gen.ts", import.meta.url));

const HEADER = "// Generated from the API's OpenAPI document by packages/portal/tools/gen-api.ts; do not edit.\n";

export async function generateApiTypes(): Promise<string> {
  const doc = openApiDocument(routes);
  const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0]);
  return HEADER + astToString(ast);
}
