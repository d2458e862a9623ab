import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { odata, TableClient, TableTransaction } from "@azure/data-tables";
import { DEV_ACCOUNT, DEV_KEY } from "../../local-host/src/azurite.js";
import { startTableServer, type RunningTableServer } from "../src/table-server-process.js";
import { fakeBackend } from "../src/tables.js";

let server: RunningTableServer;
beforeAll(async () => {
  server = await startTableServer();
});
afterAll(() => server.stop());

const client = (table: string) =>
  TableClient.fromConnectionString(`DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=${server.url}/${DEV_ACCOUNT};`, table, {
    allowInsecureConnection: true,
  });

describe("the counting table service in its own process", () => {
  it("answers the real TableClient over HTTP: batch, merge, point read, query pages, and counts what it was sent", async () => {
    const backend = await fakeBackend(server.url, false);
    const t = client("bxtestSyncState");
    await t.createTable();
    for (let i = 0; i < 1_500; i += 100) {
      const more = new TableTransaction();
      for (let k = i; k < i + 100; k++) more.upsertEntity({ partitionKey: "p", rowKey: `r${String(k).padStart(4, "0")}`, n: k }, "Replace");
      await t.submitTransaction(more.actions);
    }
    await t.upsertEntity({ partitionKey: "p", rowKey: "r0001", extra: "x" }, "Merge");
    const one = await t.getEntity<{ n: number; extra: string }>("p", "r0001");
    expect(one.n).toBe(1);
    expect(one.extra).toBe("x");
    expect(one.etag).toMatch(/^W\/"datetime'/);
    // 1,500 rows come in pages of at most 1,000, followed by the continuation headers.
    const pages: number[] = [];
    for await (const page of t.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${"p"}` } }).byPage()) pages.push(page.length);
    expect(pages).toEqual([1000, 500]);
    const filtered = [];
    for await (const e of t.listEntities<{ n: number }>({ queryOptions: { filter: odata`PartitionKey eq ${"p"} and n ge ${1490}` } })) filtered.push(e.n);
    expect(filtered).toEqual([1490, 1491, 1492, 1493, 1494, 1495, 1496, 1497, 1498, 1499]);
    await expect(t.getEntity("p", "absent")).rejects.toMatchObject({ statusCode: 404 });
    const c = await backend.counts();
    expect(c.batches).toBe(15);
    expect(c.transactions).toBe(16); // 15 batches and the merge
    expect(c.entities).toBe(1_501);
    expect(c.byTable.SyncState).toBe(16);
    expect(c.reads).toBe(5); // one point read, two query pages, one filtered query, the 404
  });

  it("counts from the last reset only, and configuring drops what it held", async () => {
    const backend = await fakeBackend(server.url, true);
    const t = client("bxtest2Objects");
    await t.upsertEntity({ partitionKey: "t|users|0", rowKey: "a", hash: "h1" }, "Replace");
    expect((await backend.counts()).entities).toBe(1);
    expect(await backend.heldKeys()).toBe(1);
    await backend.reset();
    await t.upsertEntity({ partitionKey: "t|users|0", rowKey: "b", hash: "h2" }, "Replace");
    expect((await backend.counts()).entities).toBe(1);
    expect(await backend.heldKeys()).toBe(2);
    const fresh = await fakeBackend(server.url, true);
    expect(await fresh.heldKeys()).toBe(0);
    expect((await fresh.counts()).entities).toBe(0);
  });

  // Regression: a continuation was an offset into the partition, so rows deleted between pages (a sweep deletes as it reads) shifted the rest and some were never returned.
  it("resumes a query where its last page stopped, with rows deleted between pages", async () => {
    await fakeBackend(server.url, false);
    const t = client("bxtest3SyncState");
    for (let i = 0; i < 2_500; i += 100) {
      const more = new TableTransaction();
      for (let k = i; k < i + 100; k++) more.upsertEntity({ partitionKey: "p", rowKey: `r${String(k).padStart(4, "0")}` }, "Replace");
      await t.submitTransaction(more.actions);
    }
    const seen: string[] = [];
    for await (const page of t.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${"p"}` } }).byPage()) {
      for (const e of page) {
        seen.push(e.rowKey!);
        await t.deleteEntity("p", e.rowKey!);
      }
    }
    expect(seen).toHaveLength(2_500);
    expect(new Set(seen).size).toBe(2_500);
    const res = await fetch(`${server.url}/${DEV_ACCOUNT}/bxtest3SyncState()?NextPartitionKey=next&NextRowKey=999999`, { headers: { accept: "application/json" } });
    expect(res.status).toBe(400);
  });
});
