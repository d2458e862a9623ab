import type { ResourceModule } from "../resource.js";

export const devices: ResourceModule = {
  type: "devices",
  path: "/devices",
  mode: "delta",
  select: [
    "deviceId", "displayName", "operatingSystem", "operatingSystemVersion", "trustType", "isCompliant", "isManaged",
    "accountEnabled", "approximateLastSignInDateTime", "registrationDateTime",
  ],
  permission: "Device.Read.All",
  grantedBy: ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  name: (o) => String(o.displayName ?? ""),
};
