import type { RunSummary } from "../orchestration/contract.js";
import { ACTIVITIES, ORCHESTRATORS } from "../orchestration/registry.js";
import type { OrchestrationClient, StartResult } from "../orchestration/start-run.js";
import { LocalDurableRuntime, type LogLevel } from "./durable/index.js";
import { formatRun } from "./run-report.js";

const RUN_TIMEOUT_MS = 6 * 3600_000;

/**
 * The service's orchestrations on the real replay engine, in this process,
 * plus a console line for every run that ends.
 */
export class OrchestrationHost {
  readonly durable: LocalDurableRuntime;
  readonly client: OrchestrationClient;

  constructor(
    private readonly print: (line: string) => void,
    log: (level: LogLevel, msg: string) => void,
  ) {
    this.durable = new LocalDurableRuntime({ orchestrators: { ...ORCHESTRATORS }, activities: { ...ACTIVITIES }, log });
    this.client = {
      getStatus: (id) => this.durable.getStatus(id),
      startNew: (name, options) => this.durable.startNew(name, options),
      purge: (id) => this.durable.purge(id),
    };
  }

  /** Prints the run's summary when it ends. */
  watch(tenantName: string, result: StartResult): void {
    if (!result.started) return;
    const t0 = Date.now();
    void this.durable
      .waitForCompletion(result.instanceId, RUN_TIMEOUT_MS)
      .then((s) => this.print(formatRun(tenantName, s.runtimeStatus === "Completed" ? (s.output as RunSummary) : undefined, `${s.runtimeStatus}: ${JSON.stringify(s.output)}`, Date.now() - t0)))
      .catch((err: unknown) => this.print(`[sync] ${tenantName}: ${err instanceof Error ? err.message : String(err)}`));
  }

  stop(): Promise<void> {
    return this.durable.stop();
  }
}
