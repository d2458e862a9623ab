import { getServices } from "../services.js";
import { tick, type TickLog } from "./scheduler.js";
import type { OrchestrationClient } from "./start-run.js";

/** The sync timer's work, the same in Azure and in the local runtime. */
export async function onSyncTimer(client: OrchestrationClient, log?: TickLog): Promise<void> {
  const services = getServices();
  await services.ready();
  await tick(client, services.tenants, Date.now, log);
}
