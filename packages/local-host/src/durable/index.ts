export {
  DurableBackend,
  InstanceExistsError,
  LocalDurableRuntime,
  RUNNING_STATES,
  type ActivityFn,
  type DurableBackendOptions,
  type InstanceStats,
  type InstanceStatus,
  type LocalDurableRuntimeOptions,
  type LogLevel,
  type OrchestratorFn,
  type RuntimeStatus,
} from "./backend.js";
