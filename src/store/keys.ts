import { hash } from "node:crypto";

/**
 * Buckets per tenant and type. A page is committed before its link is
 * saved, so a page's rows spread over the buckets decide the transaction
 * size: a 200-object page over 2 buckets, or 500 links over 6, fills
 * transactions of 70 to 100 (a bucket over 100 needs a second one). One stream writes at most a page per Graph
 * round trip, far below a partition's 2,000 entities/s (storage/tables/storage-performance-checklist.md), and a
 * tenant still spans two partitions per type and six for its links.
 */
export const OBJECT_BUCKETS = 2;
export const MEMBER_BUCKETS = 6;

/**
 * The first 32 bits of the ID's SHA-1, big-endian, so stored partitions
 * never move. One-shot `crypto.hash` to hex is about 5× faster than a Hash
 * object read as a Buffer (measured; two calls per link written).
 */
export function bucketOf(id: string, buckets: number): number {
  return Number.parseInt(hash("sha1", id, "hex").slice(0, 8), 16) % buckets;
}

/** Key values may not hold / \ # ? or control characters. */
export function safeKey(part: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return part.replace(/[/\\#?\u0000-\u001f\u007f-\u009f]/g, "_");
}

export const objectPartition = (tenantId: string, type: string, bucket: number): string => `${tenantId}|${type}|${bucket}`;
export const memberPartition = (tenantId: string, container: string, bucket: number): string => `${tenantId}|${container}|${bucket}`;

const MAX_MS = 9_999_999_999_999;

/** A time's milliseconds counted down, 13 digits: keys that start with it list newest first (rows sort by key). */
export function invertedTime(iso: string): string {
  return String(MAX_MS - Date.parse(iso)).padStart(13, "0");
}
