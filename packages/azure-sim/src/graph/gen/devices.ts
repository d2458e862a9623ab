import type { GraphObject } from "../types.js";
import type { GenContext } from "./context.js";
import { rngFor } from "./idCodec.js";
import { FIRST_NAMES } from "./names.js";
import { pastDate, pick, randomGuid } from "./random.js";

const PLATFORMS: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ["Windows", ["10.0.19045.4291", "10.0.22631.3447", "10.0.26100.1742"], "DESKTOP"],
  ["Windows", ["10.0.22631.3447", "10.0.26100.1742"], "LAPTOP"],
  ["iOS", ["17.4.1", "17.5", "18.0"], "iPhone"],
  ["Android", ["13", "14"], "Android"],
  ["MacMDM", ["14.4.1", "15.0"], "MacBook"],
];

export function buildDevice(_ctx: GenContext, n: number, id: string): GraphObject {
  const rand = rngFor(id);
  const [os, versions, prefix] = pick(rand, PLATFORMS);
  const managed = rand() < 0.8;
  const suffix = Math.floor(rand() * 0xffffff).toString(16).toUpperCase().padStart(6, "0");
  const displayName = prefix === "DESKTOP" || prefix === "LAPTOP" ? `${prefix}-${suffix}` : `${pick(rand, FIRST_NAMES)}'s ${prefix} ${n}`;
  const registered = pastDate(rand);
  return {
    id,
    deviceId: randomGuid(rand),
    displayName,
    operatingSystem: os,
    operatingSystemVersion: pick(rand, versions),
    trustType: os === "Windows" ? (rand() < 0.3 ? "ServerAd" : "AzureAd") : "Workplace",
    isCompliant: managed ? rand() < 0.9 : null,
    isManaged: managed,
    accountEnabled: rand() >= 0.02,
    approximateLastSignInDateTime: new Date(Date.parse(registered) + Math.floor(rand() * 200) * 86_400_000)
      .toISOString()
      .replace(".000Z", "Z"),
    registrationDateTime: registered,
  };
}
