import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGraphClient } from "../../src/graph/client.js";
import { graphPageSource } from "../../src/sync/graph-source.js";

const staticToken = { getToken: async () => ({ token: "tok", expiresOnTimestamp: Date.now() + 3_600_000 }) };

// Regression, issue 20.6: a 300 MiB page was read whole. A loopback Graph here streams without end.
describe("Graph response size limit (loopback server)", () => {
  let server: Server;
  let base = "";
  let sentBytes = 0;
  let aborted = false;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith("/v1.0/small")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ value: [{ id: "a" }] }));
        return;
      }
      if (req.url?.startsWith("/v1.0/declared")) {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(1 << 30) });
        res.write("{");
        return;
      }
      // Chunked, never ending: 64 KiB at a time while the client reads.
      res.writeHead(200, { "content-type": "application/json" });
      res.on("close", () => (aborted = true));
      const chunk = Buffer.alloc(65_536, 0x20);
      const pump = () => {
        while (!res.destroyed && sentBytes < 512 * 1024 * 1024) {
          sentBytes += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
      };
      res.write('{"value":[');
      pump();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const source = () => graphPageSource(createGraphClient(staticToken, { authorityHost: base, graphBaseUrl: base }, { maxResponseBytes: 1024 * 1024, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } }));

  it("stops reading an endless body at the limit and fails the request", async () => {
    await expect(source().page("/endless")).rejects.toThrow(/more than 1048576 bytes/);
    // Far less than the 512 MiB the server would send: reading stopped near the limit.
    await new Promise((r) => setTimeout(r, 100));
    expect(aborted).toBe(true);
    expect(sentBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it("refuses a declared Content-Length over the limit without reading it", async () => {
    await expect(source().page("/declared")).rejects.toThrow(/more than 1048576 bytes/);
  });

  it("passes a response within the limit through unchanged", async () => {
    const page = await source().page("/small");
    expect(page.value).toEqual([{ id: "a" }]);
  });
});
