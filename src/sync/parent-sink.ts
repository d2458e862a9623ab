import type { GraphObject } from "../domain/graph-object.js";
import { textOf } from "../domain/text.js";
import type { ResourceModule } from "../graph/resource.js";
import type { StreamState } from "../store/sync-state.js";
import { usableId } from "./page-context.js";
import type { ParentPlan } from "./parent-plan.js";
import type { SyncStores } from "./stores.js";

/** What one group of parents answered: each parent's whole collection, every page of it. */
export interface ParentAnswers {
  /** Parents that answered 200, with their items. */
  readonly items: ReadonlyMap<string, readonly GraphObject[]>;
  /** Parents Graph answered 404 for: deleted since the plan was made. */
  readonly gone: readonly string[];
}

/**
 * Where a per-parent kind writes what its parents hold: object rows
 * (appRoleAssignments) or links (owners of applications and service
 * principals). The loop in per-parent.ts plans, batches, checkpoints and
 * resumes; the sink lays each group against the store.
 */
export interface ParentSink {
  /** One group's answers, written under checkpoint `seq`. */
  apply(group: ParentAnswers, seq: number): Promise<void>;
  /** End of a whole full pass: what it did not see goes. */
  sweep(): Promise<void>;
  /** The pass is whole: the kind's totals on its state. */
  settle(): Promise<void>;
  flush(): Promise<void>;
  writes(): { transactions: number; entities: number };
}

/** What every sink of one stream call shares. */
export interface SinkContext {
  readonly stores: SyncStores;
  readonly tenantId: string;
  readonly m: ResourceModule;
  readonly runId: string;
  /** This call: rows it wrote are told from those of a call that died after the checkpoint. */
  readonly call: string;
  /** The checkpoint this call resumed from: what was written up to it is counted already. */
  readonly checkpointSeq: number;
  readonly state: StreamState;
  readonly plan: ParentPlan;
  readonly preview: boolean;
  readonly now: () => number;
}

/** False (and counted, a few named) for an item whose ID no key can hold. */
export function keepId(c: SinkContext, o: GraphObject): boolean {
  if (usableId(o.id)) return true;
  c.state.counters.skipped = (c.state.counters.skipped ?? 0) + 1;
  const names = (c.state.skippedNames ??= []);
  if (names.length < 5) names.push(`${c.m.type} ${JSON.stringify(textOf(o.id).slice(0, 40))}`);
  return false;
}
