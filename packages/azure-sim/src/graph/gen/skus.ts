import type { GenContext } from "./context.js";
import type { GraphObject } from "../types.js";

const plan = (servicePlanId: string, servicePlanName: string) => ({ servicePlanId, servicePlanName, provisioningStatus: "Success", appliesTo: "User" });

/**
 * Real SKU IDs, part numbers and some of their service plans
 * (entra/identity/users/licensing-service-plan-reference.md).
 */
export const SKUS = [
  {
    skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900",
    skuPartNumber: "ENTERPRISEPACK",
    share: 0.55,
    servicePlans: [
      plan("efb87545-963c-4e0d-99df-69c6916d9eb0", "EXCHANGE_S_ENTERPRISE"),
      plan("5dbe027f-2339-4123-9542-606e4d348a72", "SHAREPOINTENTERPRISE"),
      plan("57ff2da0-773e-42df-b2af-ffb7a2317929", "TEAMS1"),
      plan("43de0ff5-c92c-492b-9116-175376d08c38", "OFFICESUBSCRIPTION"),
    ],
  },
  {
    skuId: "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
    skuPartNumber: "SPE_E5",
    share: 0.25,
    servicePlans: [plan("efb87545-963c-4e0d-99df-69c6916d9eb0", "EXCHANGE_S_ENTERPRISE"), plan("eec0eb4f-6444-4f95-aba0-50c24d67f998", "AAD_PREMIUM_P2")],
  },
  {
    skuId: "efccb6f7-5641-4e0e-bd10-b4976e1bf68e",
    skuPartNumber: "EMS",
    share: 0.6,
    servicePlans: [plan("41781fb2-bc02-4b7c-bd55-b576c07bb09d", "AAD_PREMIUM"), plan("c1ec4a95-1f05-45b3-a911-aa3fa01094f5", "INTUNE_A")],
  },
  { skuId: "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235", skuPartNumber: "POWER_BI_STANDARD", share: 0.3, servicePlans: [] },
  { skuId: "f30db892-07e9-47e9-837c-80727f46fd3d", skuPartNumber: "FLOW_FREE", share: 0.1, servicePlans: [] },
] as const;

export const skuObjectId = (ctx: GenContext, i: number): string => `${ctx.tenant.tenantId}_${SKUS[i]?.skuId ?? "unknown"}`;

export function buildSku(ctx: GenContext, i: number, id: string): GraphObject {
  const sku = SKUS[i];
  if (!sku) throw new Error(`no SKU ${i}`);
  // Consumption is an estimate from the spec, not a count of assignments.
  const consumed = Math.round(ctx.spec.users * sku.share);
  return {
    id,
    skuId: sku.skuId,
    skuPartNumber: sku.skuPartNumber,
    appliesTo: "User",
    capabilityStatus: i === SKUS.length - 1 ? "Warning" : "Enabled",
    consumedUnits: consumed,
    prepaidUnits: { enabled: Math.max(consumed, Math.ceil(consumed * 1.1) + 5), suspended: 0, warning: i === SKUS.length - 1 ? 10 : 0 },
    servicePlans: sku.servicePlans.map((p) => ({ ...p })),
  };
}
