import type { ResourceModuleOf } from "../resource.js";
import { textOf } from "../../domain/text.js";

export const devices: ResourceModuleOf<"devices"> = {
  type: "devices",
  path: "/devices",
  mode: "delta",
  // Every name is a property of the v1.0 resource (api-reference/v1.0/resources/device.md in microsoft-graph-docs-contrib);
  // Graph refuses an unknown one with 400.
  select: [
    "deviceId", "displayName", "operatingSystem", "operatingSystemVersion", "trustType", "isCompliant", "isManaged",
    "accountEnabled", "approximateLastSignInDateTime", "registrationDateTime",
  ],
  queryable: { displayName: "string", deviceId: "string", operatingSystem: "string", accountEnabled: "boolean" },
  permission: "Device.Read.All",
  grantedBy: ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => textOf(o.displayName),
};
