import { IANAZone } from "luxon";
import { z } from "zod";

/** Week days in ISO order: index + 1 is luxon's `weekday` (1 = Monday). */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const timeZone = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), "must be an IANA time zone, e.g. Europe/Berlin")
  .default("UTC");
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm, 00:00 to 23:59");
const unique = <T>(items: readonly T[]) => new Set(items).size === items.length;

/**
 * When a tenant's directory sync runs. Wall-clock times are in `timeZone`;
 * see next-run.ts for how DST gaps and overlaps resolve.
 */
export const scheduleSchema = z.discriminatedUnion("kind", [
  // Manual sync only.
  z.strictObject({ kind: z.literal("none") }),
  // Continuous: every `minutes` after the previous run started. 5 is the service timer's period.
  z.strictObject({ kind: z.literal("interval"), minutes: z.int().min(5).max(10_080), timeZone }),
  // Graph change notifications start delta runs of the notified types (src/notifications/); every
  // `floorMinutes` after the last run that was not one of those, a run of every type, because
  // directory notifications give no "missed" signal.
  z.strictObject({ kind: z.literal("continuous"), floorMinutes: z.int().min(5).max(10_080).default(60), timeZone }),
  // startTime, startTime + everyHours, … up to midnight; restarts at startTime each local day.
  z.strictObject({
    kind: z.literal("hourly"),
    everyHours: z.int().min(1).max(24),
    startTime: localTime,
    timeZone,
  }),
  z.strictObject({ kind: z.literal("daily"), time: localTime, timeZone }),
  z.strictObject({
    kind: z.literal("weekly"),
    days: z.array(z.enum(WEEKDAYS)).min(1).refine(unique, "days must be unique"),
    time: localTime,
    timeZone,
  }),
  // A day past the month's end (29–31) means that month's last day.
  z.strictObject({
    kind: z.literal("monthly"),
    days: z.array(z.int().min(1).max(31)).min(1).max(2).refine(unique, "days must be unique"),
    time: localTime,
    timeZone,
  }),
]);

export type Schedule = z.infer<typeof scheduleSchema>;
/** What callers may store or send: `timeZone` may be omitted (UTC). */
export type ScheduleInput = z.input<typeof scheduleSchema>;

/**
 * Default for a new tenant: hourly continuous sync. Keeps the directory at
 * most about an hour stale without assuming the tenant's time zone.
 */
export const DEFAULT_SCHEDULE: Schedule = Object.freeze({ kind: "interval", minutes: 60, timeZone: "UTC" });
