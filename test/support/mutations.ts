export interface Applied {
  readonly type: string;
  readonly id: string;
  readonly kind: string;
}

/**
 * What a delta sync must report for one type after a batch of mutations:
 * the last mutation of an object decides, and an object both added and
 * deleted in the batch was never seen at all.
 */
export function expectedCounts(applied: readonly Applied[], type: string): { changed: number; deleted: number } {
  const first = new Map<string, string>();
  const last = new Map<string, string>();
  for (const a of applied) {
    if (a.type !== type) continue;
    if (!first.has(a.id)) first.set(a.id, a.kind);
    last.set(a.id, a.kind);
  }
  let changed = 0;
  let deleted = 0;
  for (const [id, kind] of last) {
    if (kind === "softDelete" || kind === "hardDelete") {
      if (first.get(id) !== "add") deleted++;
    } else if (kind === "add" || kind === "update") changed++;
  }
  return { changed, deleted };
}
