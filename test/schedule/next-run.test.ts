import { describe, expect, it } from "vitest";
import { nextRunAfter } from "../../src/schedule/next-run.js";
import { scheduleSchema, type Schedule, type ScheduleInput } from "../../src/schedule/schema.js";

const NY = "America/New_York"; // 2026: EST→EDT 03-08 02:00, EDT→EST 11-01 02:00
const BER = "Europe/Berlin"; // 2026: CET→CEST 03-29 02:00, CEST→CET 10-25 03:00

/** Parse through the schema so every table row is also a valid stored schedule. */
const s = (input: ScheduleInput): Schedule => scheduleSchema.parse(input);
const next = (schedule: Schedule, after: string, last?: string): string | undefined =>
  nextRunAfter(schedule, new Date(after), last === undefined ? undefined : new Date(last))?.toISOString();

type Row = [name: string, schedule: Schedule, after: string, expected: string];

describe("nextRunAfter", () => {
  it.each<[string, string | undefined]>([
    ["never run", undefined],
    ["run before", "2026-05-10T08:00:00Z"],
  ])("none is never due (%s)", (_name, last) => {
    expect(nextRunAfter(s({ kind: "none" }), new Date("2026-05-10T10:00:00Z"), last ? new Date(last) : undefined)).toBeNull();
  });

  describe("interval", () => {
    const hourly = s({ kind: "interval", minutes: 60 });
    it.each<[string, Schedule, string, string | undefined, string]>([
      ["never run: due now", hourly, "2026-05-10T10:17:00.000Z", undefined, "2026-05-10T10:17:00.000Z"],
      ["last run + interval", hourly, "2026-05-10T10:30:00Z", "2026-05-10T10:00:00Z", "2026-05-10T11:00:00.000Z"],
      ["exactly due", hourly, "2026-05-10T11:00:00Z", "2026-05-10T10:00:00Z", "2026-05-10T11:00:00.000Z"],
      ["overdue: due now", hourly, "2026-05-10T12:34:00Z", "2026-05-10T10:00:00Z", "2026-05-10T12:34:00.000Z"],
      ["5 minutes", s({ kind: "interval", minutes: 5 }), "2026-05-10T10:01:00Z", "2026-05-10T10:00:00Z", "2026-05-10T10:05:00.000Z"],
      [
        "elapsed time across NY spring-forward",
        s({ kind: "interval", minutes: 60, timeZone: NY }),
        "2026-03-08T06:45:00Z",
        "2026-03-08T06:30:00Z",
        "2026-03-08T07:30:00.000Z",
      ],
      [
        "elapsed time across Berlin fall-back",
        s({ kind: "interval", minutes: 90, timeZone: BER }),
        "2026-10-25T00:15:00Z",
        "2026-10-25T00:00:00Z",
        "2026-10-25T01:30:00.000Z",
      ],
    ])("%s", (_name, schedule, after, last, expected) => {
      expect(next(schedule, after, last)).toBe(expected);
    });
  });

  describe("daily", () => {
    it.each<Row>([
      ["later today", s({ kind: "daily", time: "09:00" }), "2026-05-10T08:00:00Z", "2026-05-10T09:00:00.000Z"],
      ["strictly after: tomorrow", s({ kind: "daily", time: "09:00" }), "2026-05-10T09:00:00Z", "2026-05-11T09:00:00.000Z"],
      ["midnight", s({ kind: "daily", time: "00:00" }), "2026-05-10T23:59:00Z", "2026-05-11T00:00:00.000Z"],
      ["NY summer (EDT)", s({ kind: "daily", time: "09:00", timeZone: NY }), "2026-07-01T00:00:00Z", "2026-07-01T13:00:00.000Z"],
      ["NY winter (EST)", s({ kind: "daily", time: "09:00", timeZone: NY }), "2026-01-15T00:00:00Z", "2026-01-15T14:00:00.000Z"],
      // 02:30 does not exist on 2026-03-08 in NY: first instant after the gap, 03:00 EDT.
      ["NY 02:30 day before gap", s({ kind: "daily", time: "02:30", timeZone: NY }), "2026-03-07T06:00:00Z", "2026-03-07T07:30:00.000Z"],
      ["NY 02:30 in the gap → 03:00 EDT", s({ kind: "daily", time: "02:30", timeZone: NY }), "2026-03-07T12:00:00Z", "2026-03-08T07:00:00.000Z"],
      ["NY 02:30 day after gap", s({ kind: "daily", time: "02:30", timeZone: NY }), "2026-03-08T07:00:00Z", "2026-03-09T06:30:00.000Z"],
      // 01:30 happens twice on 2026-11-01 in NY: the first (EDT) only.
      ["NY 01:30 ambiguous → first (EDT)", s({ kind: "daily", time: "01:30", timeZone: NY }), "2026-10-31T12:00:00Z", "2026-11-01T05:30:00.000Z"],
      ["NY 01:30 not again at second", s({ kind: "daily", time: "01:30", timeZone: NY }), "2026-11-01T05:30:00Z", "2026-11-02T06:30:00.000Z"],
      ["Berlin 02:30 in the gap → 03:00 CEST", s({ kind: "daily", time: "02:30", timeZone: BER }), "2026-03-28T12:00:00Z", "2026-03-29T01:00:00.000Z"],
      ["Berlin 02:30 day after gap", s({ kind: "daily", time: "02:30", timeZone: BER }), "2026-03-29T01:00:00Z", "2026-03-30T00:30:00.000Z"],
      ["Berlin 02:30 ambiguous → first (CEST)", s({ kind: "daily", time: "02:30", timeZone: BER }), "2026-10-24T12:00:00Z", "2026-10-25T00:30:00.000Z"],
      ["Berlin 02:30 not again at second", s({ kind: "daily", time: "02:30", timeZone: BER }), "2026-10-25T00:30:00Z", "2026-10-26T01:30:00.000Z"],
      // Samoa skipped 2011-12-30 entirely: that day's run moves to the gap's end, 12-31 00:00 +14.
      ["whole-day gap (Apia 2011)", s({ kind: "daily", time: "10:00", timeZone: "Pacific/Apia" }), "2011-12-29T21:00:00Z", "2011-12-30T10:00:00.000Z"],
      ["after whole-day gap (Apia 2011)", s({ kind: "daily", time: "10:00", timeZone: "Pacific/Apia" }), "2011-12-30T10:00:00Z", "2011-12-30T20:00:00.000Z"],
    ])("%s", (_name, schedule, after, expected) => {
      expect(next(schedule, after)).toBe(expected);
    });
  });

  describe("hourly", () => {
    const every6 = s({ kind: "hourly", everyHours: 6, startTime: "02:00" });
    const every5 = s({ kind: "hourly", everyHours: 5, startTime: "02:00" }); // 02, 07, 12, 17, 22
    it.each<Row>([
      ["next in series", every6, "2026-05-10T03:00:00Z", "2026-05-10T08:00:00.000Z"],
      ["strictly after a run", every6, "2026-05-10T08:00:00Z", "2026-05-10T14:00:00.000Z"],
      ["before start time", every6, "2026-05-10T00:30:00Z", "2026-05-10T02:00:00.000Z"],
      ["last of day → restarts at start", every6, "2026-05-10T20:00:00Z", "2026-05-11T02:00:00.000Z"],
      ["uneven step restarts, not 03:00", every5, "2026-05-10T22:00:00Z", "2026-05-11T02:00:00.000Z"],
      ["every 24 hours = once a day", s({ kind: "hourly", everyHours: 24, startTime: "02:00" }), "2026-05-10T02:00:00Z", "2026-05-11T02:00:00.000Z"],
      ["minutes in start time", s({ kind: "hourly", everyHours: 3, startTime: "00:45" }), "2026-05-10T01:00:00Z", "2026-05-10T03:45:00.000Z"],
      // NY spring-forward: 02:00 does not exist → 03:00 EDT; series continues in local time.
      ["NY every 6h into gap", s({ kind: "hourly", everyHours: 6, startTime: "02:00", timeZone: NY }), "2026-03-08T01:00:00Z", "2026-03-08T07:00:00.000Z"],
      ["NY every 6h after gap", s({ kind: "hourly", everyHours: 6, startTime: "02:00", timeZone: NY }), "2026-03-08T07:00:00Z", "2026-03-08T12:00:00.000Z"],
      ["NY every 1h: 02:00 slot at 03:00 EDT", s({ kind: "hourly", everyHours: 1, startTime: "00:00", timeZone: NY }), "2026-03-08T06:00:00Z", "2026-03-08T07:00:00.000Z"],
      ["NY every 1h: after gap slot", s({ kind: "hourly", everyHours: 1, startTime: "00:00", timeZone: NY }), "2026-03-08T07:00:00Z", "2026-03-08T08:00:00.000Z"],
      // NY fall-back: the repeated 01:00 runs once, at its first occurrence.
      ["NY every 1h: 01:00 first (EDT)", s({ kind: "hourly", everyHours: 1, startTime: "00:00", timeZone: NY }), "2026-11-01T04:00:00Z", "2026-11-01T05:00:00.000Z"],
      ["NY every 1h: repeated hour once", s({ kind: "hourly", everyHours: 1, startTime: "00:00", timeZone: NY }), "2026-11-01T05:00:00Z", "2026-11-01T07:00:00.000Z"],
      ["Berlin every 12h into gap", s({ kind: "hourly", everyHours: 12, startTime: "02:30", timeZone: BER }), "2026-03-28T14:00:00Z", "2026-03-29T01:00:00.000Z"],
      ["Berlin every 12h after gap", s({ kind: "hourly", everyHours: 12, startTime: "02:30", timeZone: BER }), "2026-03-29T01:00:00Z", "2026-03-29T12:30:00.000Z"],
      ["Berlin every 12h ambiguous → CEST", s({ kind: "hourly", everyHours: 12, startTime: "02:30", timeZone: BER }), "2026-10-24T23:00:00Z", "2026-10-25T00:30:00.000Z"],
      ["Berlin every 12h after fall-back", s({ kind: "hourly", everyHours: 12, startTime: "02:30", timeZone: BER }), "2026-10-25T00:30:00Z", "2026-10-25T13:30:00.000Z"],
    ])("%s", (_name, schedule, after, expected) => {
      expect(next(schedule, after)).toBe(expected);
    });
  });

  describe("weekly", () => {
    const monThu = s({ kind: "weekly", days: ["thu", "mon"], time: "09:00" });
    it.each<Row>([
      ["Sunday → Monday", monThu, "2026-05-10T12:00:00Z", "2026-05-11T09:00:00.000Z"],
      ["Monday run → Thursday", monThu, "2026-05-11T09:00:00Z", "2026-05-14T09:00:00.000Z"],
      ["Thursday run → next Monday", monThu, "2026-05-14T09:00:00Z", "2026-05-18T09:00:00.000Z"],
      ["Sunday only", s({ kind: "weekly", days: ["sun"], time: "23:00" }), "2026-05-10T23:00:00Z", "2026-05-17T23:00:00.000Z"],
      ["NY Monday across spring-forward", s({ kind: "weekly", days: ["mon"], time: "09:00", timeZone: NY }), "2026-03-02T15:00:00Z", "2026-03-09T13:00:00.000Z"],
      ["NY Sunday 02:30 on gap day", s({ kind: "weekly", days: ["sun"], time: "02:30", timeZone: NY }), "2026-03-01T12:00:00Z", "2026-03-08T07:00:00.000Z"],
      ["Berlin Sunday 02:30 ambiguous", s({ kind: "weekly", days: ["sun"], time: "02:30", timeZone: BER }), "2026-10-19T00:00:00Z", "2026-10-25T00:30:00.000Z"],
      ["Berlin Mon/Fri before fall-back", s({ kind: "weekly", days: ["mon", "fri"], time: "08:00", timeZone: BER }), "2026-10-19T07:00:00Z", "2026-10-23T06:00:00.000Z"],
      ["Berlin Mon/Fri across fall-back", s({ kind: "weekly", days: ["mon", "fri"], time: "08:00", timeZone: BER }), "2026-10-23T06:00:00Z", "2026-10-26T07:00:00.000Z"],
      // Sunday 22:00 and 23:30 in NY are already Monday in UTC: the weekday is the local one.
      ["NY local weekday, not UTC", s({ kind: "weekly", days: ["sun"], time: "23:30", timeZone: NY }), "2026-05-11T02:00:00Z", "2026-05-11T03:30:00.000Z"],
    ])("%s", (_name, schedule, after, expected) => {
      expect(next(schedule, after)).toBe(expected);
    });
  });

  describe("monthly", () => {
    const on31 = s({ kind: "monthly", days: [31], time: "09:00" });
    it.each<Row>([
      ["31 in January", on31, "2026-01-10T00:00:00Z", "2026-01-31T09:00:00.000Z"],
      ["31 → Feb 28", on31, "2026-01-31T09:00:00Z", "2026-02-28T09:00:00.000Z"],
      ["31 → Mar 31", on31, "2026-02-28T09:00:00Z", "2026-03-31T09:00:00.000Z"],
      ["31 → Apr 30", on31, "2026-03-31T09:00:00Z", "2026-04-30T09:00:00.000Z"],
      ["30 → Feb 28", s({ kind: "monthly", days: [30], time: "09:00" }), "2026-01-30T09:00:00Z", "2026-02-28T09:00:00.000Z"],
      ["29 → Feb 29 in a leap year", s({ kind: "monthly", days: [29], time: "09:00" }), "2028-01-29T09:00:00Z", "2028-02-29T09:00:00.000Z"],
      ["two days: first", s({ kind: "monthly", days: [15, 1], time: "06:00", timeZone: BER }), "2026-01-01T06:00:00Z", "2026-01-15T05:00:00.000Z"],
      ["two days: second → next month", s({ kind: "monthly", days: [15, 1], time: "06:00", timeZone: BER }), "2026-01-15T05:00:00Z", "2026-02-01T05:00:00.000Z"],
      ["30 and 31 both Feb 28: once", s({ kind: "monthly", days: [30, 31], time: "09:00" }), "2026-02-28T09:00:00Z", "2026-03-30T09:00:00.000Z"],
      ["Berlin 29th 02:30 in the gap", s({ kind: "monthly", days: [29], time: "02:30", timeZone: BER }), "2026-03-01T00:00:00Z", "2026-03-29T01:00:00.000Z"],
      ["NY 1st 01:30 ambiguous", s({ kind: "monthly", days: [1], time: "01:30", timeZone: NY }), "2026-10-15T00:00:00Z", "2026-11-01T05:30:00.000Z"],
      // Jan 31 20:00 and 21:00 in NY are Feb 1 in UTC: the month's last day is the local one.
      ["NY last day, local month", s({ kind: "monthly", days: [31], time: "21:00", timeZone: NY }), "2026-02-01T01:00:00Z", "2026-02-01T02:00:00.000Z"],
    ])("%s", (_name, schedule, after, expected) => {
      expect(next(schedule, after)).toBe(expected);
    });
  });
});
