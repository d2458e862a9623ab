import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * CORS as the Functions host applies it (local.settings.json Host.CORS; in
 * Azure the platform's siteConfig.cors, MicrosoftDocs/azure-docs
 * articles/azure-functions/functions-how-to-use-azure-function-app-settings.md, "CORS"):
 * only the listed origins get Access-Control-Allow-Origin; a preflight from
 * any other origin gets no CORS headers, so the browser refuses the call.
 */
const ALLOWED_HEADERS = "authorization, content-type, if-match, if-none-match";
const EXPOSED_HEADERS = "etag, location, retry-after, content-disposition";

/** Adds the CORS headers to an answer; true when the request was a preflight and is answered. */
export function applyCors(allowed: readonly string[], req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (!origin || !allowed.includes(origin)) return false;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("vary", "Origin");
  res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
  if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
    res.writeHead(204, {
      "access-control-allow-methods": "GET, POST, PATCH, PUT, DELETE",
      "access-control-allow-headers": ALLOWED_HEADERS,
      "access-control-max-age": "600",
    });
    res.end();
    return true;
  }
  return false;
}
