import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson } from "../http.js";
import { newSecret, type SimTenant } from "../registry.js";
import type { GraphEnv } from "./context.js";
import { behavioursSchema } from "./behaviours.js";
import { body, ControlError } from "./controlBody.js";
import { objectRoute } from "./controlObjects.js";
import { faultSettingsSchema } from "./faults.js";
import { project } from "./select.js";
import { defaultSpec, partialSpecSchema } from "./spec.js";
import { streamJsonArray } from "./streamJson.js";
import { odataType } from "./types.js";
import { EXTRA_TYPES } from "./extras/kinds.js";
import { subscriptionControl } from "./subscriptions/control.js";
import { nestingRoute } from "./extras/nesting.js";
import { throttleControl } from "./throttle-control.js";

const tenantInputSchema = z.strictObject({
  displayName: z.string().min(1),
  domain: z.string().regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, "a DNS name"),
  tenantId: z.uuid().optional(),
  spec: partialSpecSchema.optional(),
  behaviours: behavioursSchema.optional(),
  apps: z
    .array(
      z.strictObject({
        displayName: z.string().min(1),
        clientId: z.uuid().optional(),
        grantedPermissions: z.array(z.string()),
        secretDaysValid: z.array(z.number()).optional(),
        secretText: z.string().min(16).optional(),
      }),
    )
    .default([]),
});
const mutationsSchema = z.strictObject({ seed: z.number().int(), count: z.number().int().min(0).max(1_000_000) });
const tokensSchema = z.strictObject({ action: z.enum(["expire", "reset"]) });
const secretSchema = z.strictObject({ daysValid: z.number(), displayName: z.string().min(1).optional() });
const permissionsSchema = z.strictObject({ grantedPermissions: z.array(z.string()) });
const TRUTH_TYPES = z.enum(["users", "groups", "devices", "applications", "servicePrincipals", "directoryRoles", "subscribedSkus", "administrativeUnits"]);
const EXTRA_TRUTH = z.enum(EXTRA_TYPES);

function tenantOf(env: GraphEnv, idOrDomain: string): SimTenant {
  const t = env.registry.find(idOrDomain);
  if (!t) throw new ControlError(404, "TenantNotFound", `no simulated tenant ${idOrDomain}`);
  return t;
}

function appOf(t: SimTenant, clientId: string) {
  const app = t.apps.get(clientId);
  if (!app) throw new ControlError(404, "AppNotFound", `no app ${clientId} in ${t.domain}`);
  return app;
}

async function tenantRoute(env: GraphEnv, req: IncomingMessage, res: ServerResponse, url: URL, t: SimTenant, rest: string[]): Promise<boolean> {
  const m = req.method;
  const [a, b, c, d] = rest;
  const dir = t.directory;
  if (m === "POST" && a === "mutations" && rest.length === 1) {
    const { seed, count } = await body(req, mutationsSchema);
    const summary = dir.mutate(seed, count);
    env.log("graph sim: mutations applied", { tenantId: t.tenantId, seed, count, seq: dir.seq });
    sendJson(res, 200, summary);
  } else if (m === "GET" && a === "truth" && rest.length === 1) {
    sendJson(res, 200, { counts: dir.counts(), seq: dir.seq });
  } else if (m === "GET" && a === "truth" && b === "memberships" && rest.length === 2) {
    const rows = (function* () {
      for (const { groupId, member } of dir.memberships()) yield { groupId, memberId: member.id, type: odataType(member.kind) };
    })();
    await streamJsonArray(res, rows);
  } else if (m === "GET" && a === "truth" && b === "roleMemberships" && rest.length === 2) {
    const rows = (function* () {
      for (const role of dir.truth("directoryRoles")) for (const member of dir.roleMembersOf(role.id)) yield { roleId: role.id, memberId: member.id, type: odataType(member.kind) };
    })();
    await streamJsonArray(res, rows);
  } else if (m === "GET" && a === "truth" && b && rest.length === 2 && EXTRA_TRUTH.safeParse(b).success) {
    await streamJsonArray(res, dir.extras.rows(EXTRA_TRUTH.parse(b)));
  } else if (m === "GET" && a === "truth" && b && rest.length === 2) {
    const type = TRUTH_TYPES.safeParse(b);
    if (!type.success) throw new ControlError(404, "NotFound", `no type ${b}`);
    const raw = url.searchParams.get("select");
    const select = raw ? raw.split(",").filter(Boolean) : null;
    const rows = (function* () {
      for (const o of dir.truth(type.data)) yield project(o, select);
    })();
    await streamJsonArray(res, rows);
  } else if (m === "POST" && a === "delta-tokens" && rest.length === 1) {
    const { action } = await body(req, tokensSchema);
    const epoch = env.state.tokens.invalidate(t.tenantId, action);
    env.log("graph sim: delta tokens invalidated", { tenantId: t.tenantId, action, epoch });
    sendJson(res, 200, { action, epoch });
  } else if (a === "behaviours" && rest.length === 1 && (m === "PUT" || m === "GET")) {
    if (m === "PUT") env.log("graph sim: tenant behaviours set", { tenantId: t.tenantId, ...env.state.behaviours.set(t.tenantId, await body(req, behavioursSchema)) });
    sendJson(res, 200, env.state.behaviours.get(t.tenantId));
  } else if (a === "faults" && rest.length === 1 && (m === "PUT" || m === "DELETE" || m === "GET")) {
    if (m === "PUT") env.log("graph sim: tenant faults set", { tenantId: t.tenantId, ...env.state.faults.set(await body(req, faultSettingsSchema), t.tenantId) });
    if (m === "DELETE") env.state.faults.clear(t.tenantId);
    sendJson(res, 200, env.state.faults.settingsFor(t.tenantId));
  } else if (a === "apps" && b && c === "secrets" && rest.length === 3 && m === "POST") {
    const app = appOf(t, b);
    const input = await body(req, secretSchema);
    const secret = newSecret(input.displayName ?? `secret-${app.secrets.length + 1}`, input.daysValid);
    app.secrets.push(secret);
    dir.recordAppChange(app.clientId);
    sendJson(res, 201, { keyId: secret.keyId, secretText: secret.secretText, hint: secret.hint, endDateTime: secret.endDateTime });
  } else if (a === "apps" && b && c === "secrets" && d && rest.length === 4 && m === "DELETE") {
    const app = appOf(t, b);
    const i = app.secrets.findIndex((s) => s.keyId === d);
    if (i < 0) throw new ControlError(404, "SecretNotFound", `no secret ${d}`);
    app.secrets.splice(i, 1);
    dir.recordAppChange(app.clientId);
    sendJson(res, 204, undefined);
  } else if (a === "apps" && b && c === "permissions" && rest.length === 3 && m === "PUT") {
    const app = appOf(t, b);
    app.grantedPermissions = [...(await body(req, permissionsSchema)).grantedPermissions];
    sendJson(res, 200, { clientId: app.clientId, grantedPermissions: app.grantedPermissions });
  } else if (a === "subscriptions") return subscriptionControl(env, req, res, t, rest);
  else return nestingRoute(req, res, t, rest) || objectRoute(env, req, res, url, t, rest);
  return true;
}

async function createTenant(env: GraphEnv, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const input = await body(req, tenantInputSchema);
  let t: SimTenant;
  try {
    const { behaviours: _b, ...tenantInput } = input;
    t = env.registry.addTenant({ ...tenantInput, spec: defaultSpec(input.spec ?? {}) });
  } catch (err) {
    throw new ControlError(409, "TenantExists", err instanceof Error ? err.message : String(err));
  }
  const behaviours = env.state.behaviours.set(t.tenantId, input.behaviours ?? {});
  env.log("graph sim: tenant created", { tenantId: t.tenantId, domain: t.domain });
  sendJson(res, 201, {
    tenantId: t.tenantId,
    domain: t.domain,
    displayName: t.displayName,
    apps: [...t.apps.values()].map((a) => ({
      clientId: a.clientId,
      objectId: a.objectId,
      clientSecrets: a.secrets.map((s) => s.secretText),
      grantedPermissions: a.grantedPermissions,
    })),
    counts: t.directory.counts(),
    behaviours,
  });
}

async function requestsRoute(env: GraphEnv, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const log = env.state.requests;
  if (req.method === "DELETE") {
    log.clear();
    return sendJson(res, 204, undefined);
  }
  const tenantId = url.searchParams.get("tenantId") ?? undefined;
  const resolved = tenantId === undefined ? undefined : (env.registry.find(tenantId)?.tenantId ?? tenantId);
  const summary = url.searchParams.get("summary");
  if (summary === "1" || summary === "true") {
    const byStatus: Record<string, number> = {};
    const byResource: Record<string, number> = {};
    const byFault: Record<string, number> = {};
    let total = 0;
    let first = Infinity;
    let last = -Infinity;
    for (const r of log.entries(resolved)) {
      total++;
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      byResource[r.resource] = (byResource[r.resource] ?? 0) + 1;
      if (r.fault) byFault[r.fault] = (byFault[r.fault] ?? 0) + 1;
      first = Math.min(first, r.start);
      last = Math.max(last, r.end);
    }
    return sendJson(res, 200, { total, dropped: log.dropped, byStatus, byResource, byFault, firstStart: total ? first : null, lastEnd: total ? last : null });
  }
  await streamJsonArray(res, log.entries(resolved), { dropped: log.dropped }, "requests");
}

/** /_sim control routes: no auth, no faults. False for paths that are not the Graph simulator's. */
export async function handleControl(env: GraphEnv, req: IncomingMessage, res: ServerResponse, url: URL, seg: string[]): Promise<boolean> {
  const m = req.method;
  try {
    const [a, ...rest] = seg;
    if (a === "tenants" && rest.length === 0 && m === "POST") await createTenant(env, req, res);
    else if (a === "faults" && rest.length === 0 && (m === "PUT" || m === "GET")) {
      if (m === "PUT") env.log("graph sim: faults set", { ...env.state.faults.set(await body(req, faultSettingsSchema)) });
      sendJson(res, 200, env.state.faults.settingsFor(null));
    } else if (a === "throttle" && rest.length === 0 && (m === "PUT" || m === "GET")) await throttleControl(env, req, res, url);
    else if (a === "requests" && rest.length === 0 && (m === "GET" || m === "DELETE")) await requestsRoute(env, req, res, url);
    else if (a && rest.length > 0 && a !== "tenants") return await tenantRoute(env, req, res, url, tenantOf(env, a), rest);
    else return false;
    return true;
  } catch (err) {
    if (!(err instanceof ControlError)) throw err;
    sendJson(res, err.status, { error: { code: err.code, message: err.message } });
    return true;
  }
}
