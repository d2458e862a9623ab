import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw, startApi, type TestApi } from "../support/api.js";

// A file of its own: the app's config is read once per process (issue 20.12).
describe("PUBLIC_BASE_URL (20.12)", () => {
  let pub: TestApi;
  beforeAll(async () => {
    pub = await startApi({ PUBLIC_BASE_URL: "https://sync.contoso.example/" });
  });
  afterAll(async () => pub?.stop());

  // Regression: the Host header was echoed into the OpenAPI servers list.
  it("with PUBLIC_BASE_URL set, URLs are built from it whatever the Host", async () => {
    const doc = await raw(pub, "GET", "/openapi.json", { headers: { host: "evil.example", authorization: `Bearer ${pub.reader}` } });
    expect(doc.status, doc.text).toBe(200);
    expect((JSON.parse(doc.text) as { servers: Array<{ url: string }> }).servers).toEqual([{ url: "https://sync.contoso.example/api" }]);
    expect(doc.text).not.toContain("evil.example");
  });
});
