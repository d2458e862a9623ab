import { prng, stableGuid, stableUnit } from "../../ids.js";

const MASK24 = 0xffffff;
const ROUNDS = 4;

function mix(x: number, key: number): number {
  let h = (x ^ key) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) & MASK24;
}

/**
 * IDs of generated objects. The first 20 hex digits come from
 * stableGuid(seed, namespace, i); the last 12 are i under a keyed 48-bit
 * Feistel permutation, so an ID maps back to its index in O(1) and a
 * 500k-user tenant needs no id → index map.
 */
export class IdCodec {
  private readonly keys: number[];

  constructor(
    private readonly seed: number,
    private readonly ns: string,
  ) {
    this.keys = Array.from({ length: ROUNDS }, (_, r) => Math.floor(stableUnit(seed, ns, "key", r) * 0x1_0000_0000));
  }

  id(i: number): string {
    return stableGuid(this.seed, this.ns, i).slice(0, 24) + this.encode(i).toString(16).padStart(12, "0");
  }

  /** The index an ID was made from, if it is one of the first `count` IDs. */
  index(id: string, count: number): number | undefined {
    if (id.length !== 36) return undefined;
    const tail = id.slice(24);
    if (!/^[0-9a-f]{12}$/.test(tail)) return undefined;
    const i = this.decode(Number.parseInt(tail, 16));
    if (i >= count) return undefined;
    return this.id(i) === id ? i : undefined;
  }

  private encode(v: number): number {
    let l = Math.floor(v / 0x100_0000) & MASK24;
    let r = v & MASK24;
    for (let k = 0; k < ROUNDS; k++) {
      const t = (l ^ mix(r, this.keys[k]!)) & MASK24;
      l = r;
      r = t;
    }
    return l * 0x100_0000 + r;
  }

  private decode(v: number): number {
    let l = Math.floor(v / 0x100_0000) & MASK24;
    let r = v & MASK24;
    for (let k = ROUNDS - 1; k >= 0; k--) {
      const t = (r ^ mix(l, this.keys[k]!)) & MASK24;
      r = l;
      l = t;
    }
    return l * 0x100_0000 + r;
  }
}

/** A per-object random stream, derived from the object's (already hashed) ID. */
export function rngFor(id: string, salt = 0): () => number {
  return prng(Number.parseInt(id.slice(0, 8), 16) ^ Math.imul(salt + 1, 0x9e3779b1));
}
