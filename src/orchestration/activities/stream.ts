import type { InvocationContext } from "@azure/functions";
import { resourceOf } from "../../graph/resources/index.js";
import { graphThrottledMessage } from "../../monitoring/events.js";
import type { Services } from "../../services.js";
import { graphPageSource } from "../../sync/graph-source.js";
import { liveTarget } from "../../sync/live-sink.js";
import { previewTarget } from "../../sync/preview-sink.js";
import { runTypeStream } from "../../sync/run-type.js";
import type { StreamProgress } from "../../sync/stream.js";
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
  const { stores, sink } = input.mode === "preview" ? previewTarget(services.tables, input.tenantId, input.runId) : liveTarget(services.tables, input.tenantId);
  const budgetMs = services.config.streamBudgetMs;
  try {
    return await runTypeStream(
      { graph, stores, sink, liveState: services.syncState },
      { tenantId: input.tenantId, runId: input.runId, module: m, fullScan: input.fullScan, mode: input.mode, cloud: tenant.value.cloud, filters: tenant.value.filters, budgetMs, settings: services.config, fullPassMs: services.config.fullPassMs },
    );
  } finally {
    if (throttled > 0) ctx.log(graphThrottledMessage({ tenantId: input.tenantId, count: throttled }));
  }
}
