import { describe, expect, it } from "vitest";
import { freshTable } from "../support/tables.js";

describe("Azurite through the real TableClient", () => {
  it("commits a transaction of 100 entities in one partition", async () => {
    const table = await freshTable();
    const actions = Array.from({ length: 100 }, (_, i) => ["create", { partitionKey: "p", rowKey: String(i).padStart(3, "0"), n: i }] as const);
    await table.submitTransaction(actions.map(([a, e]) => [a, e]));
    let count = 0;
    for await (const e of table.listEntities<{ n: number }>()) count += e.n >= 0 ? 1 : 0;
    expect(count).toBe(100);
    await table.deleteTable();
  });

  it("refuses an update with a stale ETag with 412", async () => {
    const table = await freshTable();
    await table.createEntity({ partitionKey: "p", rowKey: "r", v: 1 });
    const stale = await table.getEntity("p", "r");
    await table.updateEntity({ partitionKey: "p", rowKey: "r", v: 2 }, "Merge", { etag: stale.etag });
    await expect(table.updateEntity({ partitionKey: "p", rowKey: "r", v: 3 }, "Merge", { etag: stale.etag })).rejects.toMatchObject({ statusCode: 412 });
    expect((await table.getEntity<{ v: number }>("p", "r")).v).toBe(2);
    await table.deleteTable();
  });
});
