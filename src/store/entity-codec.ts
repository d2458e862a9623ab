import type { Json } from "../domain/graph-object.js";
import { textOf } from "../domain/text.js";

/** A string property holds up to 64 KiB (UTF-16), so large JSON is split across numbered properties. */
const CHUNK = 30_000;
const MAX_CHUNKS = 30;

export function encodeData(value: Record<string, Json>): Record<string, string | number> {
  const text = JSON.stringify(value);
  const chunks = Math.ceil(text.length / CHUNK) || 1;
  if (chunks > MAX_CHUNKS) throw new Error(`object too large to store (${text.length} characters)`);
  const out: Record<string, string | number> = { dataChunks: chunks };
  for (let i = 0; i < chunks; i++) out[`data${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  return out;
}

export function decodeData(entity: Record<string, unknown>): Record<string, Json> {
  const chunks = typeof entity.dataChunks === "number" ? entity.dataChunks : 0;
  let text = "";
  for (let i = 0; i < chunks; i++) text += textOf(entity[`data${i}`]);
  return text ? (JSON.parse(text) as Record<string, Json>) : {};
}
