import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { readBounded } from "../api/parse.js";
import { RequestError } from "../api/errors.js";
import { describeError } from "../monitoring/describe-error.js";
import type { Services } from "../services.js";
import { receiveNotifications } from "./receive.js";
import type { SignalClient } from "./signal.js";

/** A collection of many notifications stays far below this (changenotificationcollection.md). */
const MAX_NOTIFICATION_BYTES = 4 * 1024 * 1024;

/** The anonymous notification function: Graph sends no bearer token; clientState and the tenant ID are the check. */
export async function notificationHandler(services: Services, client: SignalClient, req: HttpRequest, ctx: InvocationContext): Promise<HttpResponseInit> {
  try {
    const url = new URL(req.url);
    const body = url.searchParams.has("validationToken") ? "" : new TextDecoder().decode(await readBounded(req, MAX_NOTIFICATION_BYTES));
    const a = await receiveNotifications(services, client, url, body, (line) => ctx.log(line));
    return { status: a.status, headers: a.headers, ...(a.body === undefined ? {} : { body: a.body }) };
  } catch (err) {
    if (err instanceof RequestError) return { status: err.status, jsonBody: { error: { code: err.code, message: err.message } } };
    ctx.error(`graph notifications: ${describeError(err)}`);
    // Graph retries a failed delivery (change-notifications-delivery-webhooks.md).
    return { status: 500, jsonBody: { error: { code: "InternalError", message: "The notification could not be processed." } } };
  }
}
