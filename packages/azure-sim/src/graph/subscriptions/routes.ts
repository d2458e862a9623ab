import { z } from "zod";
import type { ApiCall } from "../call.js";
import { readJson } from "../../http.js";
import { DIRECTORY_MAX_MINUTES, hubOf, type SimSubscription, type SubResource, type SubscriptionHub } from "./hub.js";
import { validateUrl } from "./deliver.js";

const hub = (call: ApiCall): SubscriptionHub => hubOf(call.env.state, call.env.registry, call.env.now);

/** subscription-post-subscriptions.md, request body (the properties a directory subscription takes). */
const createSchema = z.strictObject({
  changeType: z.string().min(1),
  notificationUrl: z.string().min(1),
  lifecycleNotificationUrl: z.string().min(1).optional(),
  resource: z.string().min(1),
  expirationDateTime: z.string().min(1),
  // subscription.md: clientState, "maximum length is 128 characters".
  clientState: z.string().max(128).optional(),
  latestSupportedTlsVersion: z.enum(["v1_0", "v1_1", "v1_2", "v1_3"]).optional(),
  includeResourceData: z.literal(false).optional(),
});
/** subscription-update.md: only expirationDateTime and notificationUrl change. */
const updateSchema = z.strictObject({ expirationDateTime: z.string().min(1).optional(), notificationUrl: z.string().min(1).optional() });

/** change-notifications-overview.md: `/users` and `/groups` (also without the slash). */
function resourceOf(raw: string): SubResource | undefined {
  const r = raw.replace(/^\//, "").toLowerCase();
  return r === "users" ? "users" : r === "groups" ? "groups" : undefined;
}

/** The permission each resource needs (subscription-post-subscriptions.md, permissions table). */
const NEEDS: Readonly<Record<SubResource, readonly string[]>> = {
  users: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  groups: ["Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
};

function view(s: SimSubscription): Record<string, unknown> {
  return {
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeType,
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: s.expirationDateTime,
    creatorId: s.applicationId,
    includeResourceData: false,
    latestSupportedTlsVersion: "v1_2",
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

async function bodyOf<T>(call: ApiCall, schema: z.ZodType<T>): Promise<T | undefined> {
  let raw: unknown;
  try {
    raw = await readJson(call.req);
  } catch {
    call.fail(400, "BadRequest", "Unable to read JSON request payload.");
    return undefined;
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    call.fail(400, "BadRequest", `Invalid request: ${r.error.issues[0]?.path.join(".") ?? "body"} ${r.error.issues[0]?.message ?? ""}`);
    return undefined;
  }
  return r.data;
}

/** An expiry in the future and at most 41,760 minutes ahead, or the error sent. */
function expiryOk(call: ApiCall, raw: string): boolean {
  const at = Date.parse(raw);
  const now = call.env.now();
  if (!Number.isFinite(at)) return (call.fail(400, "InvalidRequest", `Invalid expirationDateTime '${raw}'.`), false);
  if (at <= now) return (call.fail(400, "InvalidRequest", "Subscription expiration date must be in the future."), false);
  if (at > now + DIRECTORY_MAX_MINUTES * 60_000) {
    return (call.fail(400, "InvalidRequest", `Subscription expiration can only be ${DIRECTORY_MAX_MINUTES} minutes in the future.`), false);
  }
  return true;
}

async function create(call: ApiCall): Promise<void> {
  const b = await bodyOf(call, createSchema);
  if (!b) return;
  const resource = resourceOf(b.resource);
  if (!resource) return call.fail(400, "InvalidRequest", `Resource '${b.resource}' is not supported by the simulator.`);
  if (!NEEDS[resource].some((p) => call.claims.roles.includes(p))) return call.fail(403, "ExtensionError", "Operation: Create; Exception: [Status Code: Forbidden; Reason: Insufficient privileges]");
  const types = b.changeType.split(",");
  if (types.some((t) => t !== "updated" && t !== "deleted")) {
    // subscription.md: user and group notifications support updated and deleted only.
    return call.fail(400, "InvalidRequest", `changeType '${b.changeType}' is not supported for ${resource}; use updated and deleted.`);
  }
  if (!expiryOk(call, b.expirationDateTime)) return;
  const h = hub(call);
  const quota = h.quotaRefusal(call.tenant.tenantId, call.claims.appid);
  if (quota) return call.fail(403, "ExtensionError", `Operation: Create; Exception: [Status Code: Forbidden; Reason: Subscription limit ${quota} exceeded.]`);
  const r = await h.create({
    tenantId: call.tenant.tenantId,
    applicationId: call.claims.appid,
    resource,
    changeType: b.changeType,
    clientState: b.clientState ?? null,
    notificationUrl: b.notificationUrl,
    lifecycleNotificationUrl: b.lifecycleNotificationUrl ?? null,
    expirationDateTime: new Date(Date.parse(b.expirationDateTime)).toISOString(),
  });
  if (typeof r === "string") return call.fail(400, "InvalidRequest", r);
  call.env.log("graph sim: subscription created", { tenantId: r.tenantId, id: r.id, resource });
  call.ok({ "@odata.context": `${call.env.baseUrl}/v1.0/$metadata#subscriptions/$entity`, ...view(r) }, 201);
}

/** The caller's own subscription, or a 404 sent (subscription-get.md). */
function own(call: ApiCall, id: string): SimSubscription | undefined {
  const s = hub(call).get(id);
  if (s && s.tenantId === call.tenant.tenantId && s.applicationId === call.claims.appid) return s;
  call.fail(404, "ResourceNotFound", `The object was not found. Subscription Id '${id}'.`);
  return undefined;
}

async function update(call: ApiCall, id: string): Promise<void> {
  const s = own(call, id);
  if (!s) return;
  const b = await bodyOf(call, updateSchema);
  if (!b) return;
  if (b.expirationDateTime !== undefined && !expiryOk(call, b.expirationDateTime)) return;
  if (b.notificationUrl !== undefined && b.notificationUrl !== s.notificationUrl) {
    const bad = await validateUrl(b.notificationUrl);
    if (bad) return call.fail(400, "InvalidRequest", bad);
    s.notificationUrl = b.notificationUrl;
  }
  if (b.expirationDateTime !== undefined) hub(call).renew(s, new Date(Date.parse(b.expirationDateTime)).toISOString());
  call.ok({ "@odata.context": `${call.env.baseUrl}/v1.0/$metadata#subscriptions/$entity`, ...view(s) });
}

export interface SubscriptionRoute {
  readonly op: "subscriptions";
  readonly cost: number;
  readonly run: (call: ApiCall) => void | Promise<void>;
}

/** /v1.0/subscriptions: create, list, get, update, delete, reauthorize. */
export function subscriptionRoute(method: string, seg: readonly string[]): SubscriptionRoute | undefined {
  const [a, id, c] = seg;
  if (a !== "subscriptions") return undefined;
  const r = (run: SubscriptionRoute["run"]): SubscriptionRoute => ({ op: "subscriptions", cost: 1, run });
  if (seg.length === 1 && method === "POST") return r(create);
  if (seg.length === 1 && method === "GET") {
    return r((call) => call.ok({ "@odata.context": `${call.env.baseUrl}/v1.0/$metadata#subscriptions`, value: hub(call).list(call.tenant.tenantId, call.claims.appid).map(view) }));
  }
  if (seg.length === 2 && id) {
    if (method === "GET") return r((call) => void ((s) => s && call.ok(view(s)))(own(call, id)));
    if (method === "PATCH") return r((call) => update(call, id));
    if (method === "DELETE") {
      return r((call) => {
        const s = own(call, id);
        if (!s) return;
        hub(call).delete(s);
        call.res.writeHead(204).end();
      });
    }
  }
  // subscription-reauthorize.md: 204 No Content.
  if (seg.length === 3 && id && c === "reauthorize" && method === "POST") {
    return r((call) => {
      const s = own(call, id);
      if (!s) return;
      hub(call).reauthorize(s);
      call.res.writeHead(204).end();
    });
  }
  return undefined;
}
