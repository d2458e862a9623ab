import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson } from "../../http.js";
import type { SimTenant } from "../../registry.js";
import type { GraphEnv } from "../context.js";
import { body, ControlError } from "../controlBody.js";
import { hubOf } from "./hub.js";

const deliverySchema = z.strictObject({ maxLateMs: z.number().min(0).max(60_000).optional(), duplicateRate: z.number().min(0).max(1).optional() });
const lifecycleSchema = z.strictObject({ event: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]) });
const expireSchema = z.strictObject({ at: z.iso.datetime().optional() });

/**
 * `/_sim/{tenant}/subscriptions…`: list (with counts of creates, renewals,
 * deletes and deliveries), delivery settings, a lifecycle event, an expiry.
 */
export async function subscriptionControl(env: GraphEnv, req: IncomingMessage, res: ServerResponse, t: SimTenant, rest: readonly string[]): Promise<boolean> {
  const hub = hubOf(env.state, env.registry, env.now);
  const [, b, c] = rest;
  const m = req.method;
  if (rest.length === 1 && m === "GET") {
    sendJson(res, 200, { value: hub.list(t.tenantId), counts: hub.countsOf(t.tenantId), delivery: hub.deliveryOf(t.tenantId) });
    return true;
  }
  if (rest.length === 2 && b === "delivery" && m === "PUT") {
    sendJson(res, 200, hub.setDelivery(t.tenantId, await body(req, deliverySchema)));
    return true;
  }
  const sub = b ? hub.get(b) : undefined;
  if (rest.length === 3 && m === "POST" && (c === "lifecycle" || c === "expire")) {
    if (!sub || sub.tenantId !== t.tenantId) throw new ControlError(404, "SubscriptionNotFound", `no subscription ${b ?? ""}`);
    if (c === "lifecycle") {
      const { event } = await body(req, lifecycleSchema);
      sendJson(res, 200, { status: await hub.fireLifecycle(sub, event) });
    } else {
      const { at } = await body(req, expireSchema);
      hub.expireAt(sub, at ?? new Date(env.now()).toISOString());
      sendJson(res, 200, { id: sub.id, expirationDateTime: sub.expirationDateTime });
    }
    return true;
  }
  return false;
}
