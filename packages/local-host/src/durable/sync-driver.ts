/**
 * One driver for tests and the bench: a sync run made by the REGISTERED
 * orchestration (ORCHESTRATORS, through df.app.orchestration) on the local
 * Durable backend, processed the extension's way. Only the activities are
 * the caller's: they run the real engine (buildScope, runStream, finishRun)
 * over the Graph source and stores the caller hands in, where the app's
 * activities would build them from Services.
 */
import type { SyncedType } from "../../../../src/domain/synced.js";
import { RESOURCES, resourceOf } from "../../../../src/graph/resources/index.js";
import { ACTIVITY_FINISH, ACTIVITY_PLAN, ACTIVITY_STREAM, instanceIdOf, ORCHESTRATOR, type FinishTaskInput, type RunInput, type RunPlan, type RunSummary, type StreamTaskInput } from "../../../../src/orchestration/contract.js";
import { ORCHESTRATORS } from "../../../../src/orchestration/registry.js";
import type { Trigger } from "../../../../src/store/history-store.js";
import type { Filters } from "../../../../src/domain/filters.js";
import { finishRun, type FinishResult } from "../../../../src/sync/finish-run.js";
import type { PageSource } from "../../../../src/sync/graph-source.js";
import type { SideStreamInput } from "../../../../src/sync/run-side-stream.js";
import { runTypeStream } from "../../../../src/sync/run-type.js";
import type { SyncStores } from "../../../../src/sync/stores.js";
import type { StreamProgress } from "../../../../src/sync/stream.js";
import { DEFAULT_FULL_PASS_HOURS } from "../../../../src/config/config.js";
import type { DeletionThreshold } from "../../../../src/domain/threshold.js";
import { DurableBackend, type InstanceStatus } from "./backend.js";

export interface SyncDriverOptions {
  readonly tenantId: string;
  readonly runId: string;
  readonly stores: SyncStores;
  /** The Graph source a stream call of this type reads through. */
  graphFor(type: SyncedType): PageSource;
  /** Budget per stream call; small values force continuations. */
  readonly budgetMs: number;
  readonly fullScan?: boolean;
  readonly types?: readonly SyncedType[];
  readonly filters?: Filters;
  readonly threshold?: DeletionThreshold | null;
  readonly trigger?: Trigger;
  /** Longest time between full passes of a per-parent kind (default: the service's). */
  readonly fullPassMs?: number;
  /** Called as the fan-in starts, once every stream is done. */
  onStreamsDone?(): void;
  readonly timeoutMs?: number;
  /** The sign-in interval and the audit feed's retention and overlap (the service's defaults when absent). */
  readonly settings?: SideStreamInput["settings"];
}

const SIDE_DEFAULTS: SideStreamInput["settings"] = { signInActivityIntervalMs: 6 * 3_600_000, directoryAudits: { retentionMs: 30 * 86_400_000, overlapMs: 5 * 60_000 } };

export interface SyncDriverRun {
  /** Each type's last stream progress. */
  readonly streams: Map<SyncedType, StreamProgress>;
  readonly finish: FinishResult;
  /** Stream activity calls (more than one per type when a call ran out of budget and continued). */
  readonly calls: number;
  readonly status: InstanceStatus;
}

export async function driveSync(o: SyncDriverOptions): Promise<SyncDriverRun> {
  const types = o.types ?? RESOURCES.map((r) => r.type);
  const streams = new Map<SyncedType, StreamProgress>();
  let calls = 0;
  let finish: FinishResult | undefined;
  const activities = {
    [ACTIVITY_PLAN]: (): RunPlan => ({ types, fullScan: o.fullScan ?? false, startedAt: new Date().toISOString() }),
    [ACTIVITY_STREAM]: async (raw: unknown): Promise<StreamProgress> => {
      const input = raw as StreamTaskInput;
      calls++;
      const graph = o.graphFor(input.type);
      const m = resourceOf(input.type);
      // The app's stream activity runs the same dispatch (src/orchestration/activities/stream.ts).
      const p = await runTypeStream(
        { graph, stores: o.stores, liveState: o.stores.state },
        {
          tenantId: o.tenantId,
          runId: input.runId,
          module: m,
          fullScan: input.fullScan,
          mode: "live",
          cloud: "global",
          filters: o.filters,
          budgetMs: o.budgetMs,
          settings: o.settings ?? SIDE_DEFAULTS,
          fullPassMs: o.fullPassMs ?? DEFAULT_FULL_PASS_HOURS * 3_600_000,
        },
      );
      streams.set(input.type, p);
      return p;
    },
    [ACTIVITY_FINISH]: async (raw: unknown): Promise<RunSummary> => {
      const input = raw as FinishTaskInput;
      o.onStreamsDone?.();
      finish = await finishRun(o.stores, { tenantId: o.tenantId, runId: input.runId, trigger: input.trigger, startedAt: input.startedAt, types: input.types, threshold: o.threshold ?? null, failures: input.failures });
      return { runId: input.runId, status: finish.status, types: {} };
    },
  };
  const backend = new DurableBackend({ orchestrations: { ...ORCHESTRATORS }, activities, timerScale: 0.001 });
  try {
    const instanceId = instanceIdOf(o.tenantId);
    const input: RunInput = { tenantId: o.tenantId, runId: o.runId, trigger: o.trigger ?? "manual", mode: "live" };
    await backend.start(ORCHESTRATOR, { instanceId, input });
    const status = await backend.waitFor(instanceId, o.timeoutMs ?? 600_000);
    if (status.runtimeStatus !== "Completed" || !finish) throw new Error(`the run ended ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
    return { streams, finish, calls, status };
  } finally {
    await backend.stop();
  }
}
