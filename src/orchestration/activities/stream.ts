import type { InvocationContext } from "@azure/functions";
import { resourceOf } from "../../graph/resources/index.js";
import { graphThrottledMessage } from "../../monitoring/events.js";
import type { Services } from "../../services.js";
import { previewKey } from "../../store/preview-store.js";
import { graphPageSource } from "../../sync/graph-source.js";
import { buildScope } from "../../sync/scope.js";
import { syncStores } from "../../sync/stores.js";
import { runPerParent } from "../../sync/per-parent.js";
import { runStream, type StreamProgress } from "../../sync/stream.js";
import type { StreamTaskInput } from "../contract.js";
import { currentRunTenant } from "./guard.js";

/** One slice of one type's stream: works until the time budget, then returns a continuation. */
export async function streamTask(services: Services, input: StreamTaskInput, ctx: InvocationContext): Promise<StreamProgress> {
  await services.ready();
  const tenant = await currentRunTenant(services, input);
  let throttled = 0;
  const client = await services.graphFor(tenant.value, {
    onRetry: (reason) => {
      if (reason === "throttled") throttled++;
    },
  });
  const graph = graphPageSource(client);
  const m = resourceOf(input.type);
  const { scope, hash } = await buildScope(graph, m, tenant.value.filters);
  const preview = input.mode === "preview";
  const stores = preview ? syncStores(services.tables, previewKey(input.tenantId, input.runId), "preview") : syncStores(services.tables, input.tenantId);
  const streamInput = {
    tenantId: stores.objects.tenantId,
    module: m,
    runId: input.runId,
    fullScan: input.fullScan,
    scope,
    scopeHash: hash,
    budgetMs: services.config.streamBudgetMs,
    ...(preview ? { previewOf: services.objects(input.tenantId) } : {}),
  };
  try {
    // Per-parent kinds (no delta of their own) read their parents' collections through $batch.
    if (m.mode === "perParent") return await runPerParent({ graph, stores }, { ...streamInput, fullPassMs: services.config.fullPassMs });
    return await runStream({ graph, stores }, streamInput);
  } finally {
    if (throttled > 0) ctx.log(graphThrottledMessage({ tenantId: input.tenantId, count: throttled }));
  }
}
