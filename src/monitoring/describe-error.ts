import { statusOf } from "../store/status-code.js";
import { aadstsOf } from "../tenants/aadsts.js";

/** A failure the expiry monitor raises itself; its message holds no secret. */
export class ExpiryCheckError extends Error {
  override readonly name = "ExpiryCheckError";
}

/** Name, HTTP status and codes of an error: never its message, which could echo a request. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  if (err instanceof Error) parts.push(err.name);
  const status = statusOf(err);
  if (status !== undefined) parts.push(`HTTP ${status}`);
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) parts.push(code);
  const aad = aadstsOf(err);
  if (aad) parts.push(aad.code);
  // Its own errors carry no request data: their message is safe.
  if (err instanceof ExpiryCheckError) parts.push(err.message);
  return parts.length > 0 ? parts.join(" ") : "unknown error";
}
