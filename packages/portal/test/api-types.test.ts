import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_TYPES_FILE, generateApiTypes } from "../tools/api-types.js";

describe("the portal's generated API types", () => {
  it("match the API's OpenAPI document (run `npx tsx packages/portal/tools/gen-api.ts` after changing a route)", async () => {
    const fresh = await generateApiTypes();
    expect(fresh).toContain('"/tenants/{id}/history"');
    expect(readFileSync(API_TYPES_FILE, "utf8")).toBe(fresh);
  });
});
