import { describe, expect, it } from "vitest";
import { DEFAULT_SCHEDULE, scheduleSchema } from "../../src/schedule/schema.js";

describe("scheduleSchema", () => {
  it.each<[string, unknown, unknown]>([
    ["none", { kind: "none" }, { kind: "none" }],
    ["interval, zone defaults to UTC", { kind: "interval", minutes: 5 }, { kind: "interval", minutes: 5, timeZone: "UTC" }],
    ["interval max", { kind: "interval", minutes: 10080, timeZone: "UTC" }, { kind: "interval", minutes: 10080, timeZone: "UTC" }],
    [
      "hourly",
      { kind: "hourly", everyHours: 6, startTime: "02:00", timeZone: "Europe/Berlin" },
      { kind: "hourly", everyHours: 6, startTime: "02:00", timeZone: "Europe/Berlin" },
    ],
    ["daily", { kind: "daily", time: "23:59" }, { kind: "daily", time: "23:59", timeZone: "UTC" }],
    [
      "weekly",
      { kind: "weekly", days: ["mon", "sun"], time: "00:00", timeZone: "America/New_York" },
      { kind: "weekly", days: ["mon", "sun"], time: "00:00", timeZone: "America/New_York" },
    ],
    ["monthly two days", { kind: "monthly", days: [1, 31], time: "12:00" }, { kind: "monthly", days: [1, 31], time: "12:00", timeZone: "UTC" }],
  ])("accepts %s", (_name, input, expected) => {
    expect(scheduleSchema.parse(input)).toEqual(expected);
  });

  it("accepts the default schedule", () => {
    expect(scheduleSchema.parse(DEFAULT_SCHEDULE)).toEqual({ kind: "interval", minutes: 60, timeZone: "UTC" });
  });

  it.each<[string, unknown]>([
    ["interval under 5 minutes", { kind: "interval", minutes: 4 }],
    ["interval over a week", { kind: "interval", minutes: 10081 }],
    ["interval not whole minutes", { kind: "interval", minutes: 7.5 }],
    ["unknown zone", { kind: "daily", time: "09:00", timeZone: "Mars/Olympus_Mons" }],
    ["offset, not a zone", { kind: "daily", time: "09:00", timeZone: "+05:00" }],
    ["empty zone", { kind: "daily", time: "09:00", timeZone: "" }],
    ["time 24:00", { kind: "daily", time: "24:00" }],
    ["time without leading zero", { kind: "daily", time: "9:00" }],
    ["minute 60", { kind: "daily", time: "12:60" }],
    ["time with seconds", { kind: "daily", time: "12:00:00" }],
    ["hourly every 0 hours", { kind: "hourly", everyHours: 0, startTime: "02:00" }],
    ["hourly every 25 hours", { kind: "hourly", everyHours: 25, startTime: "02:00" }],
    ["hourly bad start time", { kind: "hourly", everyHours: 6, startTime: "2am" }],
    ["weekly no days", { kind: "weekly", days: [], time: "09:00" }],
    ["weekly repeated day", { kind: "weekly", days: ["mon", "mon"], time: "09:00" }],
    ["weekly unknown day", { kind: "weekly", days: ["monday"], time: "09:00" }],
    ["monthly three days", { kind: "monthly", days: [1, 10, 20], time: "09:00" }],
    ["monthly no days", { kind: "monthly", days: [], time: "09:00" }],
    ["monthly repeated day", { kind: "monthly", days: [5, 5], time: "09:00" }],
    ["monthly day 0", { kind: "monthly", days: [0], time: "09:00" }],
    ["monthly day 32", { kind: "monthly", days: [32], time: "09:00" }],
    ["unknown field", { kind: "interval", minutes: 60, timeZone: "UTC", cron: "* * * * *" }],
    ["field of another kind", { kind: "daily", time: "09:00", days: ["mon"] }],
    ["timeZone on none", { kind: "none", timeZone: "UTC" }],
    ["unknown kind", { kind: "yearly", time: "09:00" }],
    ["missing kind", { time: "09:00" }],
    ["missing time", { kind: "daily" }],
  ])("refuses %s", (_name, input) => {
    expect(scheduleSchema.safeParse(input).success).toBe(false);
  });
});
