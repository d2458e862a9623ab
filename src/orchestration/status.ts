/**
 * The states in which the extension refuses a startNew over the instance: by
 * default only non-running instances may be overridden (durableTask
 * overridableExistingInstanceStates = NonRunningStates; Azure/azure-functions-durable-extension
 * DurableClient.cs GetStatusesNotToOverride, OverridableStates.ToDedupeStatuses).
 */
const BUSY: ReadonlySet<string> = new Set(["Running", "Pending", "ContinuedAsNew", "Suspended"]);

/** Whether an instance in this runtime status still runs (a new start over it would be refused). */
export const isActive = (runtimeStatus: string): boolean => BUSY.has(runtimeStatus);
