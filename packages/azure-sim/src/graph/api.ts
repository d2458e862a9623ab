import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiCall } from "./call.js";
import type { GraphEnv } from "./context.js";
import { handleDelta } from "./deltaRoute.js";
import { INSUFFICIENT_PRIVILEGES, requestIds, sendGraphError, sendNestedGraphError } from "./errors.js";
import type { FaultKind, ScriptedError } from "./faults.js";
import { handleAppByAppId, handleGet, handleList, handleMembers, handleOrganization } from "./listRoutes.js";
import { handlePurge, handleRestore } from "./deletedItems.js";
import { handleAddMember, handleRemoveMember } from "./memberWrites.js";
import { permitted, type GraphOperation } from "./permissions.js";
import { hrNow, resourceName } from "./requestLog.js";
import { stableTokenKey } from "./tokens.js";
import { DELTA_TYPES, type DeltaType } from "./types.js";
import { extraRoute } from "./extras/routes.js";
import { requestCost, throttleRequest } from "./throttle-budget.js";
import { handleBatch } from "./extras/batch.js";
import { writeRoute } from "./writes/routes.js";
import { subscriptionRoute } from "./subscriptions/routes.js";

const GRAPH_AUDIENCES = ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"];
const APP_BY_APP_ID = /^applications\(appId='([^']+)'\)$/;

const isDeltaType = (s: string | undefined): s is DeltaType => DELTA_TYPES.includes(s as DeltaType);

interface Route {
  readonly op: GraphOperation;
  /** Resource units (concepts/throttling-limits.md) before the $select discount. */
  readonly cost: number;
  readonly run: (call: ApiCall) => void | Promise<void>;
}

/** The route for a method and decoded path segments after /v1.0, or an error to answer. */
function route(method: string, seg: readonly string[], url: URL): Route | { status: number; code: string; message: string } {
  const extra = extraRoute(method, seg, url) ?? subscriptionRoute(method, seg);
  if (extra) return extra;
  const write = writeRoute(method, seg);
  if (write) return write;
  const [a, b, c, d, e] = seg;
  const len = seg.length;
  if (method === "GET") {
    if (len === 1 && a === "organization") return { op: "organization", cost: 1, run: handleOrganization };
    // throttling-limits.md: GET subscribedSkus has a base cost of 3.
    if (len === 1 && a === "subscribedSkus") return { op: "subscribedSkus", cost: 3, run: (x) => handleList(x, "subscribedSkus") };
    const byAppId = len === 1 ? APP_BY_APP_ID.exec(a ?? "") : null;
    if (byAppId) return { op: "applications", cost: 1, run: (x) => handleAppByAppId(x, byAppId[1]!) };
    if (isDeltaType(a)) {
      const cost = a === "users" || a === "applications" ? 2 : 1;
      if (len === 1) return { op: a, cost, run: (x) => handleList(x, a) };
      if (len === 2 && (b === "delta" || b === "delta()")) return { op: a, cost: 1, run: (x) => handleDelta(x, a) };
      if (len === 2) return { op: a, cost: 1, run: (x) => handleGet(x, a, b!.toLowerCase()) };
      if (len === 3 && c === "members" && (a === "groups" || a === "directoryRoles")) {
        return { op: a === "groups" ? "groupMembers" : "directoryRoles", cost: 3, run: (x) => handleMembers(x, a, b!.toLowerCase()) };
      }
    }
  }
  // POST /directory/deletedItems/{id}/restore and DELETE /directory/deletedItems/{id}.
  if (a === "directory" && b === "deletedItems" && c) {
    if (method === "POST" && len === 4 && d === "restore") return { op: "deletedItemsWrite", cost: 1, run: (x) => handleRestore(x, c.toLowerCase()) };
    if (method === "DELETE" && len === 3) return { op: "deletedItemsWrite", cost: 1, run: (x) => handlePurge(x, c.toLowerCase()) };
  }
  if (a === "groups" && c === "members") {
    if (method === "POST" && len === 4 && d === "$ref") return { op: "groupMembersWrite", cost: 1, run: (x) => handleAddMember(x, b!.toLowerCase()) };
    if (method === "DELETE" && len === 5 && e === "$ref") {
      return { op: "groupMembersWrite", cost: 1, run: (x) => handleRemoveMember(x, b!.toLowerCase(), d!.toLowerCase()) };
    }
  }
  if (isDeltaType(a) || a === "organization" || a === "subscribedSkus") {
    return { status: 405, code: "Request_BadRequest", message: "Specified HTTP method is not allowed for the request target." };
  }
  return { status: 400, code: "BadRequest", message: `Resource not found for the segment '${a ?? ""}'.` };
}

/** The URL with its tokens in stable form, so fault decisions replay from run to run. */
function faultKey(url: URL): string {
  const params = [...url.searchParams].map(([k, v]) => `${k}=${k === "$skiptoken" || k === "$deltatoken" ? stableTokenKey(v) : v}`);
  return `${url.pathname}?${params.join("&")}`;
}

function sendFault(req: IncomingMessage, res: ServerResponse, fault: Exclude<FaultKind, "drop">, retryAfter: number): void {
  const headers = { "Retry-After": String(retryAfter) };
  if (fault === "429") sendGraphError(req, res, 429, "TooManyRequests", "Too many requests.", headers);
  else sendGraphError(req, res, 503, "serviceNotAvailable", "Service unavailable. Try again later.", headers);
}

/** A scripted error's answer (see ScriptedError). */
function sendScripted(req: IncomingMessage, res: ServerResponse, e: ScriptedError, baseUrl: string, resource: string): void {
  const depth = e.depth ?? 1;
  if (e.kind === "conditionalAccess") {
    // concepts/errors.md: "If conditional access policies are applied to a resource, an HTTP 403; Forbidden error=insufficient_claims message may be returned."
    const claims = Buffer.from(JSON.stringify({ access_token: { capolids: { essential: true, values: ["sim-policy"] } } })).toString("base64");
    return sendNestedGraphError(
      req,
      res,
      403,
      { code: "accessDenied", message: "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance." },
      "insufficient_claims",
      depth,
      { "WWW-Authenticate": `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${claims}"` },
    );
  }
  const top = { code: "invalidRequest", message: e.kind === "syncStateNotFound" ? "The sync state generation is not found." : "Resync is required." };
  const headers: Record<string, string> = e.kind === "resyncRequired" ? { Location: `${baseUrl}/v1.0/${resource}/delta?$deltatoken=` } : {};
  sendNestedGraphError(req, res, 400, top, e.kind, depth, headers);
}

/** Every /v1.0 request: auth, faults and latency, permission, the route; each one logged. */
export async function handleV1(env: GraphEnv, req: IncomingMessage, res: ServerResponse, url: URL, segments: string[]): Promise<void> {
  const start = hrNow();
  const method = req.method ?? "GET";
  const resource = resourceName(segments, url.searchParams.get("$select"));
  let tenantId: string | null = null;
  let fault: FaultKind | null = null;
  let call: ApiCall | undefined;
  try {
    const claims = await env.verify(req.headers.authorization, [env.baseUrl, ...GRAPH_AUDIENCES]);
    const tenant = claims ? env.registry.find(claims.tid) : undefined;
    if (!claims || !tenant) {
      const message = req.headers.authorization ? "Access token validation failure. Invalid audience." : "Access token is empty.";
      return sendGraphError(req, res, 401, "InvalidAuthenticationToken", message, { "WWW-Authenticate": 'Bearer realm="", error="invalid_token"' });
    }
    tenantId = tenant.tenantId;
    const decision = env.state.faults.decide(tenantId, method, faultKey(url));
    if (decision.settings.latencyMs > 0) await sleep(decision.settings.latencyMs);
    fault = decision.fault;
    if (fault === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault) return sendFault(req, res, fault, decision.settings.retryAfterSeconds);

    if (method === "POST" && segments.length === 1 && segments[0] === "$batch") {
      return await handleBatch(new ApiCall(env, req, res, url, tenant, claims), (ir, is, iu, iseg) => handleV1(env, ir, is, iu, iseg));
    }
    const r = route(method, segments, url);
    if (!("run" in r)) return sendGraphError(req, res, r.status, r.code, r.message);
    // Each request, each $batch item too, is costed against the budgets (json-batching.md: "evaluated individually against throttling limits").
    const budgeted = env.state.behaviours.get(tenantId).throttleBudget;
    if (throttleRequest(env.state.budget, req, res, { appId: claims.appid, tenant, budgeted }, requestCost(r.cost, url), env.now())) return;
    if (!permitted(r.op, claims.roles)) return sendGraphError(req, res, 403, "Authorization_RequestDenied", INSUFFICIENT_PRIVILEGES);
    const isDelta = method === "GET" && segments.length === 2 && (segments[1] === "delta" || segments[1] === "delta()");
    const scripted = isDelta ? env.state.faults.takeScripted(tenantId, resource) : undefined;
    if (scripted) {
      fault = scripted.kind;
      return sendScripted(req, res, scripted, env.baseUrl, resource);
    }
    const { requestId, clientRequestId } = requestIds(req);
    res.setHeader("request-id", requestId);
    res.setHeader("client-request-id", clientRequestId);
    call = new ApiCall(env, req, res, url, tenant, claims);
    await r.run(call);
    await call.sent;
  } finally {
    const status = fault === "drop" ? 0 : res.statusCode;
    const objects = call?.objects;
    env.state.requests.push({ tenantId, method, path: url.pathname, resource, start, end: hrNow(), status, fault, ...(objects !== undefined ? { objects } : {}) });
  }
}
