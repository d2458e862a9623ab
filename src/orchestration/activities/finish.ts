import type { InvocationContext } from "@azure/functions";
import type { Services } from "../../services.js";
import type { FinishTaskInput, RunSummary } from "../contract.js";
import { finishLive } from "./finish-live.js";
import { finishPreview } from "./finish-preview.js";
import { currentRunTenant } from "./guard.js";

/** The fan-in of a run: a sync's or a preview's. */
export async function finishTask(services: Services, input: FinishTaskInput, ctx: InvocationContext, now: () => number = Date.now): Promise<RunSummary> {
  await services.ready();
  const tenant = await currentRunTenant(services, input);
  return input.mode === "preview" ? finishPreview(services, input, now) : finishLive(services, input, tenant.value.deletionThreshold, ctx, now);
}
