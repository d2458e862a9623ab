export {
  LocalDurableRuntime,
  type ActivityFn,
  type InstanceStats,
  type InstanceStatus,
  type LocalDurableRuntimeOptions,
  type LogLevel,
  type OrchestratorFn,
  type RuntimeStatus,
} from "./runtime.js";
