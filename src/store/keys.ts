import { createHash } from "node:crypto";

/**
 * Buckets per tenant and type: a large tenant spreads over partitions
 * (FACTS: ~2,000 entities/s each), while a 200-object page still makes
 * transactions of about 50.
 */
export const OBJECT_BUCKETS = 4;
export const MEMBER_BUCKETS = 8;

export function bucketOf(id: string, buckets: number): number {
  return createHash("sha1").update(id).digest().readUInt32BE(0) % buckets;
}

/** Key values may not hold / \ # ? or control characters. */
export function safeKey(part: string): string {
  return part.replace(/[/\\#?\u0000-\u001f\u007f-\u009f]/g, "_");
}

export const objectPartition = (tenantId: string, type: string, bucket: number): string => `${tenantId}|${type}|${bucket}`;
export const memberPartition = (tenantId: string, container: string, bucket: number): string => `${tenantId}|${container}|${bucket}`;
