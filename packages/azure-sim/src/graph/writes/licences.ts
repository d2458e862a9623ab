import type { ApiCall } from "../call.js";
import { notFoundMessage } from "../errors.js";
import type { GraphObject, Json, JsonObject } from "../types.js";
import { GUID, invalidValue, objectBody } from "./body.js";

// Graph's answers to assignLicense (user-assignlicense.md names the request; the texts are Graph's own).
const NO_USAGE_LOCATION = "License assignment cannot be done for user with invalid usage location.";
const noUnits = (skuId: string) => `Subscription with SKU ${skuId} does not have any available licenses.`;
const unknownSku = (skuId: string) => `License ${skuId} does not correspond to a valid company License.`;
const NOT_ASSIGNED = "User does not have a corresponding license.";

interface Add {
  readonly skuId: string;
  readonly disabledPlans: string[];
}

function parseAdds(v: Json | undefined): Add[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Add[] = [];
  for (const a of v) {
    if (typeof a !== "object" || a === null || Array.isArray(a) || typeof a.skuId !== "string" || !GUID.test(a.skuId)) return undefined;
    const plans = a.disabledPlans ?? [];
    if (!Array.isArray(plans) || !plans.every((p): p is string => typeof p === "string" && GUID.test(p))) return undefined;
    out.push({ skuId: a.skuId.toLowerCase(), disabledPlans: plans });
  }
  return out;
}

const skuOf = (call: ApiCall, skuId: string): GraphObject | undefined => [...call.directory.truth("subscribedSkus")].find((s) => s.skuId === skuId);

/**
 * POST /v1.0/users/{id}/assignLicense: both lists required (either may be
 * empty); 200 with the user. Units are counted on the SKU (subscribedsku.md:
 * consumedUnits against prepaidUnits.enabled).
 */
export async function handleAssignLicense(call: ApiCall, userId: string): Promise<void> {
  const body = await objectBody(call);
  if (!body) return;
  const adds = parseAdds(body.addLicenses);
  if (!adds) return invalidValue(call, "addLicenses", "assignLicense");
  const removes = body.removeLicenses;
  if (!Array.isArray(removes) || !removes.every((r): r is string => typeof r === "string" && GUID.test(r))) return invalidValue(call, "removeLicenses", "assignLicense");
  const user = call.directory.get("users", userId);
  if (!user) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(userId));
  const held = (Array.isArray(user.assignedLicenses) ? user.assignedLicenses : []) as JsonObject[];
  const heldIds = new Set(held.map((l) => (typeof l.skuId === "string" ? l.skuId : "")));
  for (const r of removes) if (!heldIds.has(r.toLowerCase())) return call.fail(400, "Request_BadRequest", NOT_ASSIGNED);
  if (adds.length > 0 && (typeof user.usageLocation !== "string" || user.usageLocation === "")) return call.fail(400, "Request_BadRequest", NO_USAGE_LOCATION);
  const consume: GraphObject[] = [];
  for (const a of adds) {
    const sku = skuOf(call, a.skuId);
    if (!sku) return call.fail(400, "Request_BadRequest", unknownSku(a.skuId));
    if (heldIds.has(a.skuId)) continue;
    const enabled = Number((sku.prepaidUnits as JsonObject | undefined)?.enabled ?? 0);
    if (Number(sku.consumedUnits ?? 0) >= enabled) return call.fail(400, "Request_BadRequest", noUnits(a.skuId));
    consume.push(sku);
  }
  const removed = new Set(removes.map((r) => r.toLowerCase()));
  const next = [...held.filter((l) => !removed.has((typeof l.skuId === "string" ? l.skuId : "")) && !adds.some((a) => a.skuId === l.skuId)), ...adds.map((a) => ({ skuId: a.skuId, disabledPlans: a.disabledPlans }))];
  call.directory.update("users", userId, { assignedLicenses: next });
  for (const sku of consume) call.directory.update("subscribedSkus", sku.id, { consumedUnits: Number(sku.consumedUnits ?? 0) + 1 });
  for (const r of removed) {
    const sku = skuOf(call, r);
    if (sku) call.directory.update("subscribedSkus", sku.id, { consumedUnits: Math.max(0, Number(sku.consumedUnits ?? 0) - 1) });
  }
  call.ok({ "@odata.context": `${call.context("users", null)}/$entity`, "@odata.type": "#microsoft.graph.user", ...call.directory.get("users", userId)!, passwordProfile: null });
}
