import { describe, it, expect } from "vitest";
import { property, read, resourcesOfType } from "./bicep.js";

interface HostJson {
  logging?: { applicationInsights?: { samplingSettings?: { isEnabled?: boolean; excludedTypes?: string } } };
  extensions?: { durableTask?: { hubName?: string; storageProvider?: { type?: string; maxQueuePollingInterval?: string } } };
}

const host = JSON.parse(read("host.json")) as HostJson;

/** host.json TimeSpan "hh:mm:ss[.fff]" (or "d.hh:mm:ss") in seconds. */
function timeSpanSeconds(value: string): number {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value);
  if (!m) throw new Error(`not a TimeSpan: ${value}`);
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

describe("Durable Functions on Flex Consumption (Azure Storage backend)", () => {
  it("host.json polls the task hub queues at most every 10 seconds", () => {
    expect(timeSpanSeconds("00:00:10")).toBe(10);
    expect(timeSpanSeconds("00:01:00")).toBe(60);
    const provider = host.extensions?.durableTask?.storageProvider;
    expect(provider?.type ?? "AzureStorage").toBe("AzureStorage");
    const interval = provider?.maxQueuePollingInterval;
    expect(interval, "extensions.durableTask.storageProvider.maxQueuePollingInterval").toBeDefined();
    expect(timeSpanSeconds(interval!)).toBeGreaterThan(0);
    expect(timeSpanSeconds(interval!)).toBeLessThanOrEqual(10);
  });

  it("the task hub name is letters and digits", () => {
    expect(host.extensions?.durableTask?.hubName).toMatch(/^[A-Za-z][A-Za-z0-9]{2,49}$/);
  });

  it("the Bicep keeps the durable trigger group always ready with one instance", () => {
    const [site] = resourcesOfType(read("infra/modules/functionapp.bicep"), "Microsoft.Web/sites");
    const alwaysReady = property(site!.body, "properties.functionAppConfig.scaleAndConcurrency.alwaysReady")!;
    expect(alwaysReady.replace(/\s+/g, " ")).toMatch(/\{ name: 'durable' instanceCount: 1 \}/);
  });
});

describe("telemetry the alerts depend on", () => {
  it("Application Insights sampling never drops traces (the alert events are traces)", () => {
    const sampling = host.logging?.applicationInsights?.samplingSettings;
    const excluded = (sampling?.excludedTypes ?? "").split(";").map((t) => t.trim());
    const safe = sampling?.isEnabled === false || excluded.includes("Trace");
    expect(safe, 'host.json logging.applicationInsights.samplingSettings: set isEnabled false or add "Trace" to excludedTypes').toBe(true);
  });
});
