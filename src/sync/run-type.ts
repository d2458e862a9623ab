import { runPerParent } from "./per-parent.js";
import type { PageSink } from "./page-sink.js";
import { runSideStream, type SideStreamDeps, type SideStreamInput } from "./run-side-stream.js";
import { buildScope } from "./scope.js";
import { runStream, type StreamProgress } from "./stream.js";

export interface TypeStreamInput extends SideStreamInput {
  /** Longest time between full passes of a per-parent kind. */
  readonly fullPassMs: number;
}

/**
 * One call of one type's stream, whatever the kind: attribute and feed
 * streams, per-parent kinds (their parents' collections through $batch; a
 * preview's under its own key), or the page loop writing to `sink`. The one
 * dispatch the stream activity and the local driver share.
 */
export async function runTypeStream(deps: SideStreamDeps & { readonly sink?: PageSink }, input: TypeStreamInput): Promise<StreamProgress> {
  const side = await runSideStream(deps, input);
  if (side) return side;
  const { graph, stores } = deps;
  const m = input.module;
  const { scope, hash } = await buildScope(graph, m, input.filters);
  const base = { module: m, runId: input.runId, fullScan: input.fullScan, scope, scopeHash: hash, budgetMs: input.budgetMs };
  if (m.mode === "perParent") return runPerParent({ graph, stores }, { ...base, tenantId: stores.objects.tenantId, fullPassMs: input.fullPassMs, preview: input.mode === "preview" });
  return runStream({ graph, stores }, { ...base, tenantId: input.tenantId }, deps.sink);
}
