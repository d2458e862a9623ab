import type { HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import type { Outcome } from "../../provisioning/execute.js";
import { isGuid } from "../../tenants/resolve-tenant.js";
import { RequestError } from "../errors.js";
import type { ApiRequest } from "../route.js";

/** The caller, from the token, as audited. */
export const actorOf = (req: ApiRequest<unknown, unknown>) => ({ id: req.principal?.id ?? "unknown", name: req.principal?.name ?? null });

/** A GUID body field, lowercased. */
export const guidField = z.string().refine(isGuid, "expected a GUID").transform((s) => s.toLowerCase());

/** A GUID path parameter, lowercased; 400 naming the parameter otherwise. */
export function guidParam(req: ApiRequest<unknown, unknown>, name: string): string {
  const v = (req.params[name] ?? "").toLowerCase();
  if (!isGuid(v)) throw new RequestError(400, "ValidationError", `${name}: expected a GUID`, [{ path: `params.${name}`, message: "expected a GUID" }]);
  return v;
}

/** A provisioning outcome as the API answers it: done (200, or 201 when created) or the refusal's 4xx. */
export function answer<T extends object>(o: Outcome<T>, createdStatus = 200): HttpResponseInit {
  if (o.kind === "refused") throw new RequestError(o.refusal.status, o.refusal.code, o.refusal.message, o.refusal.details);
  return { status: o.changed ? createdStatus : 200, jsonBody: { ...o.value, result: o.result, changed: o.changed } };
}
