import { CronExpressionParser } from "cron-parser";

export interface LocalTimer {
  stop(): void;
}

/**
 * Fires `onTick` on a 6-field NCRONTAB schedule in UTC, like the Functions
 * timer trigger. A tick never overlaps the previous one.
 */
export function startTimer(schedule: string, onTick: () => Promise<void>, onError: (err: unknown) => void): LocalTimer {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = (): void => {
    if (stopped) return;
    const next = CronExpressionParser.parse(schedule, { currentDate: new Date(), tz: "UTC" }).next().getTime();
    timer = setTimeout(() => {
      onTick()
        .catch(onError)
        .finally(arm);
    }, Math.max(0, next - Date.now()));
  };
  arm();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
