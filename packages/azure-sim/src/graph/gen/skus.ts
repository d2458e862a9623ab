import type { GenContext } from "./context.js";
import type { GraphObject } from "../types.js";

/** Real SKU IDs and part numbers of common licences. */
export const SKUS = [
  { skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900", skuPartNumber: "ENTERPRISEPACK", share: 0.55 },
  { skuId: "06ebc4ee-1bb5-47dd-8120-11324bc54e06", skuPartNumber: "SPE_E5", share: 0.25 },
  { skuId: "efccb6f7-5641-4e0e-bd10-b4976e1bf68e", skuPartNumber: "EMS", share: 0.6 },
  { skuId: "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235", skuPartNumber: "POWER_BI_STANDARD", share: 0.3 },
  { skuId: "f30db892-07e9-47e9-837c-80727f46fd3d", skuPartNumber: "FLOW_FREE", share: 0.1 },
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
    servicePlans: [],
  };
}
