import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson } from "../http.js";
import type { SimTenant } from "../registry.js";
import type { GraphEnv } from "./context.js";
import { body, ControlError } from "./controlBody.js";
import { V1_PROPERTIES } from "./properties.js";
import type { Json } from "./types.js";

const MUTABLE = z.enum(["users", "groups", "devices", "applications", "servicePrincipals", "administrativeUnits", "subscribedSkus"]);
const json: z.ZodType<Json> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]));
const patchSchema = z.record(z.string(), json);
const memberSchema = z.strictObject({ memberId: z.string().min(1) });

/**
 * Single, deterministic changes for tests (the random ones are POST
 * /_sim/{tenant}/mutations):
 * - PATCH  objects/{type}/{id}          properties laid over the object (v1.0 names only); { changed: [...] }
 * - DELETE objects/{type}/{id}?soft=1   soft (restorable) or hard delete; { cascade: [...] }
 * - POST   deletedItems/{id}/restore    the soft-deleted object back
 * - DELETE deletedItems/{id}            the soft-deleted object gone for good
 * - POST   groups|directoryRoles/{id}/members  { memberId }; DELETE …/members/{memberId}
 */
export async function objectRoute(env: GraphEnv, req: IncomingMessage, res: ServerResponse, url: URL, t: SimTenant, rest: string[]): Promise<boolean> {
  const m = req.method;
  const [a, b, c, d] = rest;
  const dir = t.directory;
  if (a === "objects" && b && c && rest.length === 3 && (m === "PATCH" || m === "DELETE")) {
    const type = MUTABLE.safeParse(b);
    if (!type.success) throw new ControlError(404, "NotFound", `no mutable type ${b}`);
    if (!dir.get(type.data, c)) throw new ControlError(404, "ObjectNotFound", `no live ${b} ${c}`);
    if (m === "PATCH") {
      const patch = await body(req, patchSchema);
      const unknown = Object.keys(patch).find((p) => p === "id" || !V1_PROPERTIES[type.data].has(p));
      if (unknown !== undefined) throw new ControlError(400, "BadRequest", `${b} has no settable v1.0 property ${unknown}`);
      const before = dir.get(type.data, c)!;
      const changed = Object.keys(patch).filter((p) => JSON.stringify(before[p] ?? null) !== JSON.stringify(patch[p]));
      dir.update(type.data, c, patch);
      env.log("graph sim: object patched", { tenantId: t.tenantId, type: b, id: c, changed });
      sendJson(res, 200, { changed });
    } else {
      if (type.data === "subscribedSkus") throw new ControlError(400, "BadRequest", "subscribed SKUs are not deleted");
      const soft = url.searchParams.get("soft") === "1" || url.searchParams.get("soft") === "true";
      const cascade = dir.delete(type.data, c, soft ? "softDelete" : "hardDelete");
      sendJson(res, 200, { cascade: cascade ?? [] });
    }
  } else if (a === "deletedItems" && b && rest.length === 3 && c === "restore" && m === "POST") {
    const type = dir.restore(b);
    if (!type) throw new ControlError(404, "ObjectNotFound", `no restorable deleted item ${b}`);
    sendJson(res, 200, { type, id: b });
  } else if (a === "deletedItems" && b && rest.length === 2 && m === "DELETE") {
    const purged = dir.purge(b);
    if (!purged) throw new ControlError(404, "ObjectNotFound", `no deleted item ${b}`);
    sendJson(res, 200, purged);
  } else if ((a === "groups" || a === "directoryRoles") && b && c === "members" && rest.length === 3 && m === "POST") {
    const { memberId } = await body(req, memberSchema);
    const ok = a === "groups" ? dir.addMember(b, memberId) : dir.addRoleMember(b, memberId);
    if (!ok) throw new ControlError(400, "BadRequest", `cannot add ${memberId} to ${a} ${b}`);
    sendJson(res, 204, undefined);
  } else if ((a === "groups" || a === "directoryRoles") && b && c === "members" && d && rest.length === 4 && m === "DELETE") {
    const ok = a === "groups" ? dir.removeMember(b, d) : dir.removeRoleMember(b, { id: d, kind: "user" });
    if (!ok) throw new ControlError(404, "NotFound", `${d} is not a member of ${a} ${b}`);
    sendJson(res, 204, undefined);
  } else return false;
  return true;
}
