import { Field, Input, Select } from "@fluentui/react-components";
import type { ReactNode } from "react";
import type { BodyOf } from "../api/types.js";

export type ScheduleInput = NonNullable<BodyOf<"addTenant">["schedule"]>;
type Kind = ScheduleInput["kind"];

const zones = (): string[] => {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  return ["UTC", ...(intl.supportedValuesOf?.("timeZone") ?? [])];
};

/** Every schedule kind the API takes, with a time-zone picker. */
export function ScheduleFields({ value, onChange }: { value: ScheduleInput; onChange: (s: ScheduleInput) => void }): ReactNode {
  const tz = "timeZone" in value ? (value.timeZone ?? "UTC") : "UTC";
  const time = "time" in value ? value.time : "startTime" in value ? value.startTime : "02:00";
  const make = (kind: Kind, t = time, z = tz): ScheduleInput => {
    switch (kind) {
      case "none":
        return { kind };
      case "continuous":
        return { kind, floorMinutes: "floorMinutes" in value ? value.floorMinutes : 60, timeZone: z };
      case "interval":
        return { kind, minutes: "minutes" in value ? value.minutes : 60, timeZone: z };
      case "hourly":
        return { kind, everyHours: "everyHours" in value ? value.everyHours : 4, startTime: t, timeZone: z };
      case "daily":
        return { kind, time: t, timeZone: z };
      case "weekly":
        return { kind, days: ["mon"], time: t, timeZone: z };
      case "monthly":
        return { kind, days: [1], time: t, timeZone: z };
    }
  };
  return (
    <>
      <Field label="Schedule">
        <Select value={value.kind} onChange={(_e, d) => onChange(make(d.value as Kind))}>
          <option value="none">Manual only</option>
          <option value="continuous">Continuous (on change notifications)</option>
          <option value="interval">Every N minutes</option>
          <option value="hourly">Every N hours</option>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly (Mondays)</option>
          <option value="monthly">Monthly (1st)</option>
        </Select>
      </Field>
      {value.kind === "interval" ? (
        <Field label="Minutes between runs (5 or more)">
          <Input type="number" min={5} value={String(value.minutes)} onChange={(_e, d) => onChange({ ...value, minutes: Number(d.value) })} />
        </Field>
      ) : null}
      {value.kind === "continuous" ? (
        <Field label="Run every type at least every N minutes (5 or more)">
          <Input type="number" min={5} value={String(value.floorMinutes)} onChange={(_e, d) => onChange({ ...value, floorMinutes: Number(d.value) })} />
        </Field>
      ) : null}
      {value.kind === "hourly" ? (
        <Field label="Hours between runs">
          <Input type="number" min={1} max={24} value={String(value.everyHours)} onChange={(_e, d) => onChange({ ...value, everyHours: Number(d.value) })} />
        </Field>
      ) : null}
      {value.kind !== "none" && value.kind !== "interval" && value.kind !== "continuous" ? (
        <Field label={value.kind === "hourly" ? "Start time (HH:MM)" : "Time (HH:MM)"}>
          <Input value={time} onChange={(_e, d) => onChange(make(value.kind, d.value))} />
        </Field>
      ) : null}
      {value.kind !== "none" ? (
        <Field label="Time zone">
          <Select value={tz} onChange={(_e, d) => onChange(make(value.kind, time, d.value))}>
            {zones().map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
    </>
  );
}
