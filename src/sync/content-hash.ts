import { hash } from "node:crypto";
import type { Json } from "../domain/graph-object.js";

function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k] as Json)}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** Same content, same hash, whatever the property order Graph used. */
export function contentHash(data: Record<string, Json>): string {
  return hash("sha256", canonical(data), "base64url").slice(0, 27);
}
