import { DateTime } from "luxon";
import { WEEKDAYS, type Schedule } from "./schema.js";

type CalendarSchedule = Exclude<Schedule, { kind: "none" | "interval" | "continuous" }>;
interface LocalTime {
  readonly hour: number;
  readonly minute: number;
}

/**
 * When `schedule` next wants a sync.
 *
 * - `none`: null, never on its own.
 * - `continuous`: its floor, as `interval` with `floorMinutes`.
 * - `interval`: elapsed time, not wall-clock. Never run (no `lastRunStart`)
 *   means due now, so `after` itself; otherwise `lastRunStart + minutes`, or
 *   `after` when that is already past (an overdue run is due now, not skipped).
 * - Calendar kinds: the first run instant strictly after `after`;
 *   `lastRunStart` is ignored. To catch a run missed while the service was
 *   down, pass the previous due instant as `after` and compare with now.
 *
 * Wall-clock times are in the schedule's zone. A time that does not exist
 * (spring-forward gap) runs at the first instant after the gap; a time that
 * happens twice (fall-back) runs once, at the first occurrence.
 */
export function nextRunAfter(schedule: Schedule, after: Date, lastRunStart?: Date): Date | null {
  switch (schedule.kind) {
    case "none":
      return null;
    case "interval":
    case "continuous": {
      // continuous: the floor, timed like an interval; notification runs leave it where it is (finish-live.ts).
      if (lastRunStart === undefined) return new Date(after.getTime());
      const minutes = schedule.kind === "interval" ? schedule.minutes : schedule.floorMinutes;
      const due = DateTime.fromJSDate(lastRunStart).plus({ minutes }).toJSDate();
      return due > after ? due : new Date(after.getTime());
    }
    default:
      return nextCalendarRun(schedule, after);
  }
}

function nextCalendarRun(schedule: CalendarSchedule, after: Date): Date {
  const zone = schedule.timeZone;
  // Walk local calendar dates from after's own, as naive UTC dates so zone transitions cannot skew
  // the walk. An earlier date's run cannot be later: a run pushed out of a gap lands on its end,
  // which is the first instant of any local date it moves into.
  let date = DateTime.fromJSDate(after, { zone }).setZone("UTC", { keepLocalTime: true }).startOf("day");
  // Every kind matches at least once a month; the bound only guards against a bug looping forever.
  for (let i = 0; i < 400; i++, date = date.plus({ days: 1 })) {
    for (const time of timesOn(schedule, date)) {
      const run = localToInstant({ year: date.year, month: date.month, day: date.day, ...time }, zone);
      if (run > after) return run;
    }
  }
  throw new Error(`No run found for schedule ${JSON.stringify(schedule)} after ${after.toISOString()}`);
}

/** The schedule's local run times on `date`, ascending. */
function timesOn(schedule: CalendarSchedule, date: DateTime): LocalTime[] {
  switch (schedule.kind) {
    case "hourly": {
      const start = parseTime(schedule.startTime);
      const times: LocalTime[] = [];
      for (let hour = start.hour; hour < 24; hour += schedule.everyHours) times.push({ hour, minute: start.minute });
      return times;
    }
    case "daily":
      return [parseTime(schedule.time)];
    case "weekly":
      return schedule.days.includes(WEEKDAYS[date.weekday - 1]!) ? [parseTime(schedule.time)] : [];
    case "monthly": {
      const lastDay = date.daysInMonth ?? 31;
      return schedule.days.some((d) => Math.min(d, lastDay) === date.day) ? [parseTime(schedule.time)] : [];
    }
  }
}

function parseTime(hhmm: string): LocalTime {
  return { hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) };
}

/** Wall-clock reading of `dt` in its zone, as a comparable number. */
const wallClock = (dt: DateTime): number => dt.setZone("UTC", { keepLocalTime: true }).toMillis();

/** The instant a local wall-clock time means in `zone`, resolving DST gaps and overlaps. */
export function localToInstant(
  local: { year: number; month: number; day: number; hour: number; minute: number },
  zone: string,
): Date {
  const dt = DateTime.fromObject(local, { zone });
  const target = DateTime.fromObject(local, { zone: "UTC" }).toMillis();
  if (wallClock(dt) === target) {
    // Overlap: luxon picks either occurrence, so take the earlier explicitly.
    const earliest = Math.min(...dt.getPossibleOffsets().map((c) => c.toMillis()));
    return new Date(earliest);
  }
  // Gap: luxon moved forward by the gap's length (02:30 → 03:30); the first valid
  // instant is the transition itself, the earliest one reading at or past `target`.
  // A day earlier reads before it; binary search the instants in between.
  let lo = dt.minus({ hours: 24 }).toMillis();
  let hi = dt.toMillis();
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClock(DateTime.fromMillis(mid, { zone })) >= target) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}
