import { Button, Checkbox, Field, Input, Switch } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";
import { ApiError } from "../api/client.js";
import type { BodyOf, Tenant } from "../api/types.js";
import { ErrorBar, Notice, useSession } from "../ui.js";
import { ScheduleFields, type ScheduleInput } from "./ScheduleFields.js";
import type { TenantLoad } from "./TenantDetail.js";

/** Tenant and cloud read-only; a save sends If-Match, and a 412 asks for a reload. */
export function Configuration({ load, reload }: { load: TenantLoad; reload: () => void }): ReactNode {
  const { api, isAdmin } = useSession();
  const t = load.tenant;
  const [name, setName] = useState(t.displayName);
  const [enabled, setEnabled] = useState(t.enabled);
  const [fullScan, setFullScan] = useState(t.fullScanNextRun);
  const [schedule, setSchedule] = useState<ScheduleInput>(t.schedule as ScheduleInput);
  const [error, setError] = useState<unknown>();
  const [stale, setStale] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = async (): Promise<void> => {
    setError(undefined);
    setSaved(false);
    const body: BodyOf<"updateTenant"> = { displayName: name, enabled, fullScanNextRun: fullScan, schedule };
    try {
      await api.call<Tenant>("PATCH", `/tenants/${t.id}`, { body, headers: { "if-match": load.etag } });
      setSaved(true);
      reload();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) setStale(true);
      else setError(err);
    }
  };
  return (
    <form
      aria-label="Configuration"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      style={{ display: "flex", flexDirection: "column", gap: "8px", maxWidth: "560px" }}
    >
      <Field label="Tenant">
        <Input value={t.domain ? `${t.domain} (${t.id})` : t.id} readOnly />
      </Field>
      <Field label="Cloud">
        <Input value={t.cloud} readOnly />
      </Field>
      <Field label="Display name">
        <Input value={name} onChange={(_e, d) => setName(d.value)} readOnly={!isAdmin} />
      </Field>
      <Switch label="Turned on (scheduled syncs run)" checked={enabled} onChange={(_e, d) => setEnabled(d.checked)} disabled={!isAdmin} />
      <Checkbox label="Perform a full scan on next run" checked={fullScan} onChange={(_e, d) => setFullScan(d.checked === true)} disabled={!isAdmin} />
      {isAdmin ? <ScheduleFields value={schedule} onChange={setSchedule} /> : <Field label="Schedule"><Input value={JSON.stringify(t.schedule)} readOnly /></Field>}
      {stale ? (
        <Notice intent="warning">
          This tenant was changed elsewhere since you opened it. <Button size="small" onClick={reload}>Reload</Button>
        </Notice>
      ) : null}
      {saved ? <Notice intent="success">Saved.</Notice> : null}
      <ErrorBar error={error} />
      {isAdmin ? (
        <div>
          <Button type="submit" appearance="primary">
            Save
          </Button>
        </div>
      ) : null}
    </form>
  );
}
