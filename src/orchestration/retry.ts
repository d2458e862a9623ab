import df from "durable-functions";

/** A retried stream resumes at its last checkpoint, so retrying is always safe. */
export const STREAM_RETRY = new df.RetryOptions(5_000, 4);
STREAM_RETRY.backoffCoefficient = 2;
STREAM_RETRY.maxRetryIntervalInMilliseconds = 60_000;

/** Plan and fan-in: short, idempotent steps. */
export const STEP_RETRY = new df.RetryOptions(2_000, 3);

/**
 * A type's sub-orchestration catches its stream's failure, so it fails only
 * when the orchestration itself does (a replay error); a new attempt reuses
 * the instance ID and resumes the stream at its checkpoint.
 */
export const TYPE_RETRY = new df.RetryOptions(5_000, 2);

/**
 * The message of a failed task, first line only: durable-functions builds it
 * as `${Reason} \n ${Details}` (lib/src/orchestrations/TaskOrchestrationExecutor.js),
 * and Details is the stack, which stays out of history.
 */
export function failureMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === "string" ? err : "";
  const first = text.split("\n")[0]?.trim() ?? "";
  return first || "the stream failed";
}
