import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketOf } from "../../src/store/keys.js";
import { contentHash } from "../../src/sync/content-hash.js";

// Stored rows are keyed by these: a change of either would move every partition or rewrite every row on the next full scan.
describe("stored key and hash values", () => {
  it("bucketOf is the first 32 bits of the ID's SHA-1, big-endian, modulo the buckets", () => {
    expect(bucketOf("9f0b1f6c-8d8e-4b7a-9c1e-000000000001", 6)).toBe(5);
    expect(bucketOf("00000000-0000-0000-0000-000000000000", 6)).toBe(2);
    expect(bucketOf("ünïcode-id", 6)).toBe(0);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.integer({ min: 1, max: 64 }), (id, n) => {
        expect(bucketOf(id, n)).toBe(createHash("sha1").update(id).digest().readUInt32BE(0) % n);
      }),
    );
  });

  it("contentHash keeps the value stored rows were written with, whatever the property order", () => {
    const data = { id: "u1", displayName: "Zoë", accountEnabled: true, proxyAddresses: ["SMTP:a@b.c"], manager: null };
    expect(contentHash(data)).toBe("Qwlz0RAnuHY_plZlHItieJHnS-W");
    expect(contentHash({ manager: null, proxyAddresses: ["SMTP:a@b.c"], accountEnabled: true, displayName: "Zoë", id: "u1" })).toBe("Qwlz0RAnuHY_plZlHItieJHnS-W");
  });
});
