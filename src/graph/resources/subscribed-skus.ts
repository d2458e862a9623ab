import type { ResourceModuleOf } from "../resource.js";
import { textOf } from "../../domain/text.js";

/** Licenses: Graph has no delta for subscribedSkus, and the list is short. */
export const subscribedSkus: ResourceModuleOf<"subscribedSkus"> = {
  type: "subscribedSkus",
  path: "/subscribedSkus",
  mode: "list",
  // Every name is a property of the v1.0 resource (api-reference/v1.0/resources/subscribedsku.md in microsoft-graph-docs-contrib);
  // Graph refuses an unknown one with 400.
  select: ["skuId", "skuPartNumber", "capabilityStatus", "consumedUnits", "prepaidUnits", "appliesTo", "servicePlans"],
  permission: "Organization.Read.All",
  grantedBy: ["Organization.Read.All", "LicenseAssignment.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => textOf(o.skuPartNumber),
};
