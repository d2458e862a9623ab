import type { BatchWriter } from "../store/batch-writer.js";
import type { GraphPage } from "./graph-source.js";
import type { PageContext } from "./page-context.js";
import type { SyncStores } from "./stores.js";

/**
 * Where a stream's pages go: the live store, or a preview. The page loop
 * (runStream) fetches, checkpoints and ends the round; the sink writes each
 * page and, at the round's end, its totals. One sink serves one stream call.
 */
export interface PageSink {
  /** The partition of the stream's state rows: the tenant, or the preview's own key. */
  readonly stateKey: string;
  /** Resumes from the stored deltaLink and keeps the round's new one; if not, every run scans in full. */
  readonly deltaRounds: boolean;
  /** Can take objects that carry only their changed properties, merged over its own rows. */
  readonly acceptsMinimal: boolean;
  /** Which objects count once per call when met again: only groups' and roles' (with further member chunks), or all. */
  readonly countOnce: "containers" | "all";
  /** Writers of its own beyond the page's objects and links, flushed at every checkpoint. */
  readonly writers: readonly BatchWriter[];
  /** Writes one page (numbered `seq` in the run). */
  apply(ctx: PageContext, page: GraphPage, seq: number): Promise<void>;
  /** The round's last page is applied: sweeps what it did not see, and sets the totals. */
  endRound(ctx: PageContext): Promise<void>;
}

/** The stores a stream reads and writes, and the sink its pages go to. */
export interface StreamTarget {
  readonly stores: SyncStores;
  readonly sink: PageSink;
}
