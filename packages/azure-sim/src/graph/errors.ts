import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http.js";

/** Graph's request-id and client-request-id for a request. */
export function requestIds(req: IncomingMessage): { requestId: string; clientRequestId: string } {
  const requestId = randomUUID();
  const header = req.headers["client-request-id"];
  return { requestId, clientRequestId: typeof header === "string" && header ? header : requestId };
}

/** Graph's error shape: `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`. */
export function sendGraphError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const { requestId, clientRequestId } = requestIds(req);
  sendJson(
    res,
    status,
    {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().slice(0, 19), "request-id": requestId, "client-request-id": clientRequestId },
      },
    },
    { "request-id": requestId, "client-request-id": clientRequestId, ...headers },
  );
}

/**
 * An error whose specific code sits `depth` levels down the innerError
 * chain under a general top-level one: "The innererror object might
 * recursively contain more innererror objects with additional, more
 * specific error codes" (concepts/errors.md).
 */
export function sendNestedGraphError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  top: { code: string; message: string },
  inner: string,
  depth: number,
  headers: Record<string, string> = {},
): void {
  const { requestId, clientRequestId } = requestIds(req);
  let chain: Record<string, unknown> = { code: inner };
  for (let d = 1; d < depth; d++) chain = { code: "generalException", innerError: chain };
  const innerError = { ...chain, date: new Date().toISOString().slice(0, 19), "request-id": requestId, "client-request-id": clientRequestId };
  sendJson(res, status, { error: { ...top, innerError } }, { "request-id": requestId, "client-request-id": clientRequestId, ...headers });
}

export const INSUFFICIENT_PRIVILEGES = "Insufficient privileges to complete the operation.";

export function notFoundMessage(id: string): string {
  return `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`;
}
