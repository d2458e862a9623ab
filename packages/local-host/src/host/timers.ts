import { CronExpressionParser } from "cron-parser";
import type { LogLevel } from "../durable/backend.js";
import { startTimer, type LocalTimer } from "../timer.js";
import { triggerOf, type FunctionRegistry } from "../worker/core.js";
import { invokeFunction } from "../worker/invoke.js";
import type { RpcParameterBinding } from "../worker/types.js";

export interface Timers {
  /** The registered timer functions with their resolved schedules. */
  readonly schedules: ReadonlyMap<string, string>;
  /** Invokes a timer function now, through its registration, as a tick would. */
  fire(name: string): Promise<void>;
  stop(): void;
}

/**
 * `%NAME%` binding expressions resolve from the app settings; one that does
 * not resolve stops the host at indexing ("'%NAME%' does not resolve to a
 * value", functions-bindings-expressions-patterns.md, "Binding expressions -
 * app settings").
 */
export function resolveAppSettings(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/%([^%]+)%/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined || v === "") throw new Error(`'%${name}%' does not resolve to a value.`);
    return v;
  });
}

/** The timer trigger's input, as the host serializes TimerInfo (camel-cased by the library). */
function timerInfo(schedule: string, last: Date | undefined): string {
  const now = new Date();
  const next = CronExpressionParser.parse(schedule, { currentDate: now, tz: "UTC" }).next().toDate();
  return JSON.stringify({
    Schedule: { AdjustForDST: true },
    ScheduleStatus: { Last: (last ?? now).toISOString(), Next: next.toISOString(), LastUpdated: now.toISOString() },
    IsPastDue: false,
  });
}

export function startTimers(registry: FunctionRegistry, extraInputs: (name: string) => RpcParameterBinding[], log: (level: LogLevel, msg: string) => void, arm: boolean): Timers {
  const schedules = new Map<string, string>();
  const triggerNames = new Map<string, string>();
  for (const reg of registry.byTrigger("timerTrigger")) {
    const t = triggerOf(reg)!;
    const schedule = resolveAppSettings(typeof t.schedule === "string" ? t.schedule : "");
    // NCRONTAB with seconds, six fields (functions-bindings-timer.md, "NCRONTAB expressions").
    if (schedule.trim().split(/\s+/).length !== 6) throw new Error(`The schedule expression '${schedule}' of ${reg.metadata.name} is not a six-field NCRONTAB expression.`);
    CronExpressionParser.parse(schedule, { tz: "UTC" });
    schedules.set(reg.metadata.name, schedule);
    triggerNames.set(reg.metadata.name, t.name);
  }
  const last = new Map<string, Date>();
  const fire = async (name: string): Promise<void> => {
    const schedule = schedules.get(name);
    const trigger = triggerNames.get(name);
    if (!schedule || !trigger) throw new Error(`'${name}' is not a registered timer function`);
    const data = { json: timerInfo(schedule, last.get(name)) };
    last.set(name, new Date());
    await invokeFunction(registry, name, [{ name: trigger, data }, ...extraInputs(name)]);
  };
  const running: LocalTimer[] = arm
    ? [...schedules].map(([name, schedule]) =>
        // A tick never overlaps the previous one: the host holds a singleton lock per timer function.
        startTimer(schedule, () => fire(name), (err) => log("error", `timer ${name} failed: ${err instanceof Error ? err.message : String(err)}`)),
      )
    : [];
  return {
    schedules,
    fire,
    stop() {
      for (const t of running) t.stop();
    },
  };
}
