import { CronExpressionParser } from "cron-parser";
import { describe, expect, it, vi } from "vitest";

const timer = vi.fn();
const check = vi.fn(async () => ({ checked: [], failed: [] }));
const services = { marker: "services" };

vi.mock("@azure/functions", () => ({ default: { app: { timer } } }));
vi.mock("../../src/monitoring/expiry-monitor.js", () => ({ checkCredentialExpiry: check }));
vi.mock("../../src/services.js", () => ({ getServices: () => services }));

describe("functions/monitor.ts", () => {
  it("registers a daily 06:00 UTC timer that hands the check the services and the context's log", async () => {
    await import("../../functions/monitor.js");
    expect(timer).toHaveBeenCalledTimes(1);
    const [name, options] = timer.mock.calls[0] as [string, { schedule: string; handler: (t: unknown, ctx: unknown) => Promise<void> }];
    expect(name).toBe("credentialExpiryTimer");
    expect(options.schedule).toBe("0 0 6 * * *");
    const next = CronExpressionParser.parse(options.schedule, { currentDate: new Date("2026-03-01T07:00:00Z"), tz: "UTC" });
    expect(next.next().toISOString()).toBe("2026-03-02T06:00:00.000Z");
    expect(next.next().toISOString()).toBe("2026-03-03T06:00:00.000Z");

    // The worker's log is a method: it must be called on the context, not detached.
    const ctx = {
      lines: [] as string[],
      log(this: { lines: string[] }, line: string) {
        this.lines.push(line);
      },
    };
    await options.handler({ isPastDue: false }, ctx);
    expect(check).toHaveBeenCalledTimes(1);
    const [passed, log] = check.mock.calls[0] as unknown as [unknown, (line: string) => void];
    expect(passed).toBe(services);
    log("hello");
    expect(ctx.lines).toEqual(["hello"]);
  });
});
