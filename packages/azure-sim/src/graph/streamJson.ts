import type { ServerResponse } from "node:http";
import { once } from "node:events";

const FLUSH_BYTES = 256 * 1024;

/**
 * Streams `{ ...head, [key]: [items...] }` without holding the whole text:
 * truth dumps of a 500k-user tenant run to hundreds of megabytes.
 */
export async function streamJsonArray<T>(res: ServerResponse, items: Iterable<T>, head: Record<string, unknown> | null = null, key = "value"): Promise<void> {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
  let buf = head ? `${JSON.stringify(head).slice(0, -1)}${Object.keys(head).length ? "," : ""}${JSON.stringify(key)}:[` : "[";
  let first = true;
  for (const item of items) {
    buf += (first ? "" : ",") + JSON.stringify(item);
    first = false;
    if (buf.length >= FLUSH_BYTES) {
      const ok = res.write(buf);
      buf = "";
      if (!ok) await once(res, "drain");
      if (res.destroyed) return;
    }
  }
  res.end(buf + (head ? "]}" : "]"));
}
