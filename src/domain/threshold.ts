import { z } from "zod";

/** Per tenant: a run that would delete more than this holds its deletions for an admin. */
export const thresholdSchema = z
  .object({
    count: z.number().int().min(0).optional(),
    percent: z.number().min(0).max(100).optional(),
  })
  .strict()
  .refine((t) => t.count !== undefined || t.percent !== undefined, { message: "give count, percent or both" });

export type DeletionThreshold = z.infer<typeof thresholdSchema>;

/** True when `deletions` out of `liveTotal` objects passes the threshold. */
export function exceeds(t: DeletionThreshold | null | undefined, deletions: number, liveTotal: number): boolean {
  if (!t || deletions === 0) return false;
  if (t.count !== undefined && deletions > t.count) return true;
  if (t.percent !== undefined && liveTotal > 0 && (deletions / liveTotal) * 100 > t.percent) return true;
  return false;
}
