import type { PortalConfig } from "./portal-config.js";

export type { PortalConfig };

export async function loadConfig(): Promise<PortalConfig> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch("/config.json", { cache: "no-store" });
    if (res.ok) return (await res.json()) as PortalConfig;
    if (attempt >= 10) throw new Error(`The portal's settings (/config.json) could not be read: HTTP ${res.status}.`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
