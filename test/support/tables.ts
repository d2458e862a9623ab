import { TableClient } from "@azure/data-tables";
import { inject } from "vitest";

let serial = 0;

/** A unique table name per call: tests never share a table. */
export function uniqueTableName(prefix = "t"): string {
  return `${prefix}${process.pid}x${Date.now().toString(36)}x${++serial}`.replace(/[^A-Za-z0-9]/g, "");
}

export async function freshTable(prefix?: string): Promise<TableClient> {
  const client = TableClient.fromConnectionString(inject("tableConnectionString"), uniqueTableName(prefix), {
    allowInsecureConnection: true,
  });
  await client.createTable();
  return client;
}
