/** What the launcher asks the fleet host process to do (sent over IPC). */
export interface FleetJob {
  readonly graphBaseUrl: string;
  /** The fleet's simulated tenants, already created in the simulator. */
  readonly tenantIds: readonly string[];
  /** The one multi-tenant app registration every tenant consented to. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** Latency of every Graph request of the fleet's tenants (set per tenant in the simulator after registration). */
  readonly latencyMs: number;
  /** host.json extensions.durableTask.maxConcurrentActivityFunctions (one Function App instance). */
  readonly maxConcurrentActivities: number;
  /** Stop waiting for the runs after this long; runs still going are reported as not finished. */
  readonly timeoutMs: number;
  /**
   * Tests only: once every run finished, make every tenant due again and fire
   * one more tick, so each tenant has a second run that duplicateRuns must count.
   */
  readonly dueAgainAfterRuns?: boolean;
}

/** The `fleet` run of the bench's JSON contract. */
export interface FleetReport {
  readonly tenants: number;
  /** Users per tenant: the small ones' range and the large ones. */
  readonly users: { readonly total: number; readonly smallMin: number; readonly smallMax: number; readonly large: readonly number[] };
  /** The first timer tick: the registered timer function's invocation, from call to return (all starts sent). */
  readonly tickSeconds: number;
  /** Top-level sync instances the Durable backend holds after the first tick. */
  readonly orchestrationsStarted: number;
  /** A second tick right after the first, while runs are in flight: instances it started (should be 0). */
  readonly secondTickStarted: number;
  readonly completed: number;
  readonly failed: number;
  readonly notFinished: number;
  /**
   * Executions beyond one per tenant, counted from the Durable backend (a
   * top-level sync instance of the tenant finishing more than once, or its
   * instance created after the first tick) and from the runs the service
   * recorded in its history table (distinct run IDs per tenant beyond one).
   */
  readonly duplicateRuns: number;
  readonly duplicateRunsByHistory: number;
  /** Graph /v1.0 requests of the fleet's tenants from the first tick to the end (the simulator's log). */
  readonly graphRequests: number;
  readonly throttled429: number;
  /** From the first tick until every run finished. */
  readonly wallSeconds: number;
  /** Per tenant, instance created to finished. */
  readonly runSeconds: { readonly p50: number; readonly p95: number; readonly max: number };
  /** The host process (Functions host, worker, Durable backend, the service): CPU over the wall time and peak RSS. */
  readonly hostCpuSeconds: number;
  readonly hostPeakRssMb: number;
  /** Registering the tenants through the service's add-tenant path (setup, not in the wall time). */
  readonly registerSeconds: number;
  readonly maxConcurrentActivities: number;
  readonly latencyMs: number;
  /** The shared throttling budget (issue 18 item 5): off until the service has one. */
  readonly throttleBudget: "off" | "on";
  readonly tables: "azurite";
  /** The launcher (the simulated Azure) over the host's run, registration included. */
  readonly simulatorCpuSeconds: number;
  /** Azurite's process over its whole life. */
  readonly tablesCpuSeconds: number;
}

export type FleetHostMessage = { readonly ok: true; readonly report: Omit<FleetReport, "users" | "throttleBudget" | "tables" | "simulatorCpuSeconds" | "tablesCpuSeconds"> } | { readonly ok: false; readonly error: string };
