import type { DurableClient } from "durable-functions";
import type { OrchestrationClient } from "./start-run.js";

/** The real Durable client as an OrchestrationClient; its getStatus throws on 404, which means "no instance". */
export function fromDurableClient(client: DurableClient): OrchestrationClient {
  return {
    async getStatus(instanceId) {
      try {
        const s = await client.getStatus(instanceId);
        return { runtimeStatus: String(s.runtimeStatus), customStatus: s.customStatus, output: s.output };
      } catch (err) {
        if (err instanceof Error && /\b404\b/.test(err.message)) return undefined;
        throw err;
      }
    },
    startNew: (name, options) => client.startNew(name, { instanceId: options.instanceId, input: options.input }),
    async purge(instanceId) {
      await client.purgeInstanceHistory(instanceId);
    },
    // 202 accepted, 410 already finished: both resolve; 404 rejects (durable-functions DurableClient.terminate).
    terminate: (instanceId, reason) => client.terminate(instanceId, reason),
  };
}
