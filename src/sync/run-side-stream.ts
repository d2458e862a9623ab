import type { Cloud } from "../config/clouds.js";
import type { Filters } from "../domain/filters.js";
import type { ResourceModule } from "../graph/resource.js";
import { resourceOf } from "../graph/resources/index.js";
import type { SyncStateStore } from "../store/sync-state.js";
import { runFeedStream } from "./audit-feed.js";
import type { PageSource } from "./graph-source.js";
import { buildScope } from "./scope.js";
import { notRun, passOver } from "./side-stream.js";
import { runAttributeStream } from "./sign-in-activity.js";
import type { SyncStores } from "./stores.js";
import type { StreamProgress } from "./stream.js";

export interface SideStreamInput {
  readonly tenantId: string;
  readonly runId: string;
  readonly module: ResourceModule;
  readonly fullScan: boolean;
  readonly mode: "live" | "preview";
  readonly cloud: Cloud;
  readonly filters: Filters | undefined;
  readonly budgetMs: number;
  readonly settings: { readonly signInActivityIntervalMs: number; readonly directoryAudits: { readonly retentionMs: number; readonly overlapMs: number } };
}

export interface SideStreamDeps {
  readonly graph: PageSource;
  /** The run's stores: the tenant's, or its preview's. */
  readonly stores: SyncStores;
  /** The tenant's live stream states (a preview records the live total). */
  readonly liveState: SyncStateStore;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The streams that are neither delta nor list (attribute and feed modes), or
 * undefined for those (runTypeStream then runs them).
 */
export async function runSideStream(deps: SideStreamDeps, input: SideStreamInput): Promise<StreamProgress | undefined> {
  const m = input.module;
  if (m.mode !== "attribute" && m.mode !== "feed") return undefined;
  const { graph, stores } = deps;
  const timing = { ...(deps.now ? { now: deps.now } : {}), ...(deps.sleep ? { sleep: deps.sleep } : {}) };
  const skip = notRun(m, input.mode, input.cloud);
  if (skip) return passOver(stores.state, stores.objects.tenantId, m, input.runId, skip, await deps.liveState.get(input.tenantId, m.type));
  if (m.mode === "attribute") {
    const { scope } = await buildScope(graph, resourceOf(m.of ?? "users"), input.filters);
    return runAttributeStream(
      { graph, stores, ...timing },
      { tenantId: input.tenantId, module: m, runId: input.runId, fullScan: input.fullScan, scope, budgetMs: input.budgetMs, intervalMs: input.settings.signInActivityIntervalMs },
    );
  }
  return runFeedStream({ graph, audits: stores.audits, state: stores.state, ...timing }, { tenantId: input.tenantId, module: m, runId: input.runId, budgetMs: input.budgetMs, ...input.settings.directoryAudits });
}
