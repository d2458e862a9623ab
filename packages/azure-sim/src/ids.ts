import { createHash } from "node:crypto";

/** A stable GUID for (namespace, parts): the same inputs always give the same ID. */
export function stableGuid(...parts: Array<string | number>): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest();
  // RFC 4122 version 4 / variant bits, so the result looks like any Entra object ID.
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** A uniform number in [0, 1) for (parts); stateless, so any order of calls gives the same values. */
export function stableUnit(...parts: Array<string | number>): number {
  const h = createHash("sha256").update(parts.join("\u0000")).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000;
}

/** Small seeded PRNG (mulberry32) for sequences where a stream of values is cheaper than hashing. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
