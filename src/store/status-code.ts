/**
 * The HTTP status of a failed table call. The SDK throws a RestError whose
 * `statusCode` is always set, while `code` is only parsed from some error
 * bodies (@azure/core-rest-pipeline, restError.ts), so branch on the status.
 */
export function statusOf(err: unknown): number | undefined {
  if (typeof err === "object" && err !== null && "statusCode" in err) {
    const s = (err as { statusCode?: unknown }).statusCode;
    return typeof s === "number" ? s : undefined;
  }
  return undefined;
}

/** A point read that treats 404 (no such row) as undefined and rethrows anything else. */
export async function getOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}
