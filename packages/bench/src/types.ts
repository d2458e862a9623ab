import type { QueryLatency } from "./queries.js";

export type RunName = "full" | "naive" | "delta" | "faults";
export const RUN_NAMES: readonly RunName[] = ["full", "naive", "delta", "faults"];

export interface FaultPlan {
  readonly seed: number;
  readonly rate429: number;
  readonly rate503: number;
  readonly retryAfterSeconds: number;
}

/** What the launcher asks a worker process to do. */
export interface Job {
  readonly graphBaseUrl: string;
  readonly authorityHost: string;
  readonly app: { readonly tenantId: string; readonly clientId: string; readonly clientSecret: string };
  readonly latencyMs: number;
  /** The latency model's per-object cost: the simulator holds each answer latencyMs + this × objects returned. */
  readonly latencyPerObjectMs: number;
  readonly store: "fake" | "azurite";
  readonly tableConnectionString?: string;
  /** Fake store: the counting table service's base URL (bench/table-server.ts, its own process). */
  readonly tableServerUrl?: string;
  readonly runs: readonly RunName[];
  /** Keep the Objects table's keys in the fake (needed by the delta run). */
  readonly indexObjects: boolean;
  /** Fake store only: latency added to every table request. */
  readonly tableLatencyMs: number;
  readonly naiveGroupStride: number;
  readonly mutationCount: number;
  readonly seed: number;
  readonly faults: FaultPlan;
  /** Azurite only: the delta run continues the store a full run left under this table prefix. */
  readonly continueFrom?: string;
  /** Time budget per stream call, as the production setting (continuations past it). */
  readonly budgetMs: number;
}

/** One run's line of the report: the contract fields first, then the details. */
export interface RunReport {
  readonly name: RunName;
  readonly wallSeconds: number;
  readonly criticalPathSeconds: number;
  readonly ratioToLimit: number;
  readonly graphRequests: number;
  readonly tableTransactions: number;
  readonly entitiesWritten: number;
  readonly peakRssMb: number;
  readonly cpuSeconds: number;
  /** The measured worker's CPU (user + system) ms per 1,000 entities written. */
  readonly engineCpuMsPerKEntities: number;
  /** The measured worker's CPU ms per 1,000 Graph objects read (the simulator's log: objects its answers returned). */
  readonly engineCpuMsPerKObjects: number;
  /** Graph objects the answers returned (the denominator of engineCpuMsPerKObjects). */
  readonly graphObjects: number;
  readonly groundTruthMatch: boolean | null;
  /** What groundTruthMatch compared, and the first differences if any. */
  readonly check: { readonly what: string; readonly problems: readonly string[] } | null;
  readonly graphRequestsByResource: Record<string, number>;
  /** Requests the bench's own Graph client sent (counted at its transport), to compare with the simulator's log. */
  readonly clientGraphRequests: number;
  /** Pages the streams applied (successful answers); requests ÷ pages shows retries and waste. */
  readonly pages: number | null;
  readonly criticalPath: {
    readonly resource: string | null;
    readonly requests: number;
    /** The longest chain without Graph's documented rate limits (the headline paces the sign-in and audit lists). */
    readonly latencyOnlySeconds: number;
    readonly faulted: number;
    readonly servedSeconds: number;
    readonly withRetryAfterSeconds: number;
    readonly maxOverlap: number;
  };
  /**
   * The streams Graph does not rate-limit: their critical path, the span from
   * the run's first Graph request to their last answer, and the ratio (the
   * engine's own overhead, seen past a paced stream that outlasts them).
   */
  readonly unpaced: { readonly resource: string | null; readonly criticalPathSeconds: number; readonly spanSeconds: number; readonly ratio: number };
  readonly faults: Record<string, number>;
  readonly table: {
    readonly batches: number;
    readonly reads: number;
    readonly byTable: Record<string, number>;
    readonly readsByTable?: Record<string, number>;
    readonly entitiesPerTransaction: number;
  };
  readonly startRssMb: number;
  readonly peakHeapMb: number;
  /** Engine runs: the streams, then the fan-in (finishRun: deletions, history, user warnings), each with its own highs. */
  readonly phases?: {
    readonly streams: { readonly seconds: number; readonly peakRssMb: number; readonly peakHeapMb: number; readonly liveHeapAfterMb: number };
    readonly finish: { readonly seconds: number; readonly peakRssMb: number; readonly peakHeapMb: number };
  };
  /** Present when the run was sampled and its numbers extrapolated. */
  readonly sampled?: {
    readonly what: string;
    readonly factor: number;
    readonly measured: { readonly wallSeconds: number; readonly graphRequests: number; readonly tableTransactions: number; readonly entitiesWritten: number; readonly cpuSeconds: number; readonly criticalPathSeconds: number };
  };
  /**
   * Entities written per change the run applied (the history's changed +
   * deleted over the types and link types the feed lists), with the change feed's rows
   * and without them: the feed's cost is `feedEntitiesPerChange`.
   */
  readonly writeAmplification?: {
    readonly changes: number;
    readonly feedEntities: number;
    readonly entitiesPerChangeWithFeed: number;
    readonly entitiesPerChangeWithoutFeed: number;
    readonly feedEntitiesPerChange: number;
  };
  /** Delta: the mutations applied before it. */
  readonly changes?: { readonly mutations: number; readonly entries: number; readonly byKind: Record<string, number> };
  readonly streamCalls?: number;
  /** Fake store: keys it held at the end (its own memory, included in RSS). */
  readonly fakeStoreKeys?: number;
  readonly notes?: readonly string[];
  /** Query latency through the query layer against the store after this run (fake store: after delta, the store that keeps data). */
  readonly queryLatency?: readonly QueryLatency[];
}

export interface WorkerResult {
  readonly runs: readonly RunReport[];
  /** Table prefix of the full run's store (for a delta run in the next worker, with Azurite). */
  readonly fullTablePrefix?: string;
  readonly maxRssMb: number;
}
