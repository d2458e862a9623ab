import { randomBytes } from "node:crypto";

/** change-notifications-delivery-webhooks.md: the endpoint must answer the validation request within 10 seconds. */
export const VALIDATION_TIMEOUT_MS = 10_000;
/** …and a change notification within 3 seconds; a slower answer counts as a failed delivery. */
export const DELIVERY_TIMEOUT_MS = 3_000;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * subscription.md, notificationUrl: "This URL must make use of the HTTPS protocol."
 * Plain http is taken only for a loopback host: real Graph cannot reach one
 * at all, so this never accepts a URL real Graph would take; it is how the
 * simulator reaches the local runtime.
 */
export function urlProblem(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return `Invalid notification url '${raw}'.`;
  }
  if (u.protocol === "https:") return undefined;
  if (u.protocol === "http:" && LOOPBACK.has(u.hostname)) return undefined;
  return "Subscription validation request failed. Notification endpoint must use https.";
}

/**
 * The validation handshake (change-notifications-delivery-webhooks.md,
 * "Notification endpoint validation"): POST `url?validationToken=…` with an
 * empty text/plain body; the endpoint must answer 200 with the decoded token
 * as text/plain within 10 s. The error text, or undefined when it passed.
 */
export async function validateUrl(raw: string): Promise<string | undefined> {
  const problem = urlProblem(raw);
  if (problem) return problem;
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomBytes(8).toString("hex")}`;
  const u = new URL(raw);
  u.searchParams.set("validationToken", token);
  try {
    const res = await fetch(u, { method: "POST", headers: { "content-type": "text/plain; charset=utf-8" }, body: "", signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS) });
    const text = await res.text();
    const type = res.headers.get("content-type") ?? "";
    if (res.status !== 200 || text !== token || !type.startsWith("text/plain")) {
      return `Subscription validation request failed. Response must exactly match validationToken query parameter (status ${res.status}).`;
    }
    return undefined;
  } catch {
    return "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request within 10 seconds.";
  }
}

/** POSTs a notification collection; the status, or 0 when the endpoint failed or took longer than 3 s. */
export async function postJson(url: string, body: unknown): Promise<number> {
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
