import { describe, expect, it } from "vitest";
import { nextRunAfter } from "../../src/schedule/next-run.js";
import { scheduleSchema } from "../../src/schedule/schema.js";

describe("schedule kind continuous", () => {
  it("defaults floorMinutes to 60 and refuses a floor under the timer's 5 minutes", () => {
    expect(scheduleSchema.parse({ kind: "continuous" })).toEqual({ kind: "continuous", floorMinutes: 60, timeZone: "UTC" });
    expect(scheduleSchema.safeParse({ kind: "continuous", floorMinutes: 4 }).success).toBe(false);
    expect(scheduleSchema.safeParse({ kind: "continuous", minutes: 60 }).success).toBe(false);
  });

  it("its floor is due floorMinutes after the last run, now when never run or overdue", () => {
    const s = scheduleSchema.parse({ kind: "continuous", floorMinutes: 90 });
    const last = new Date("2026-03-01T10:00:00Z");
    expect(nextRunAfter(s, new Date("2026-03-01T10:05:00Z"), last)?.toISOString()).toBe("2026-03-01T11:30:00.000Z");
    expect(nextRunAfter(s, new Date("2026-03-01T12:00:00Z"), last)?.toISOString()).toBe("2026-03-01T12:00:00.000Z");
    expect(nextRunAfter(s, new Date("2026-03-01T12:00:00Z"))?.toISOString()).toBe("2026-03-01T12:00:00.000Z");
  });
});
