import { Button, ProgressBar, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text } from "@fluentui/react-components";
import { useEffect, useState, type ReactNode } from "react";
import { ApiError } from "../api/client.js";
import type { SyncStatus, Tenant } from "../api/types.js";
import { ErrorBar, Notice, useLoad, useSession, when } from "../ui.js";

export function SyncPanel({ tenant, changed }: { tenant: Tenant; changed: () => void }): ReactNode {
  const { api, isAdmin } = useSession();
  const status = useLoad(() => api.get<SyncStatus>(`/tenants/${tenant.id}/sync`), [api, tenant.id]);
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string>();
  // Set by a Sync Now: the status is polled until a run that ended after it shows.
  const [since, setSince] = useState<number | null>(null);
  const running = status.data?.status === "running";
  const endedSince = since !== null && status.data?.endedAt != null && Date.parse(status.data.endedAt) >= since;
  const watching = running || (since !== null && !endedSince);
  useEffect(() => {
    if (!watching) return;
    const timer = setInterval(status.reload, 1500);
    return () => clearInterval(timer);
  }, [watching, status.reload]);

  const act = async (method: string, path: string, ok: string): Promise<void> => {
    setError(undefined);
    setMessage(undefined);
    try {
      const at = Date.now() - 1000;
      await api.call(method, path);
      setSince(at);
      setMessage(ok);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        const after = Number(err.headers.get("retry-after") ?? "0");
        setError(new Error(`${err.message} Try again after ${new Date(Date.now() + after * 1000).toLocaleString()}.`));
      } else setError(err);
    }
    status.reload();
    changed();
  };
  const s = status.data;
  const types = Object.entries(s?.progress?.types ?? {});
  return (
    <section aria-label="Sync">
      <Text as="p">
        Status: <strong>{s?.status ?? "…"}</strong>; last run started {when(s?.startedAt)}, ended {when(s?.endedAt)}
        {s?.lastSyncStatus ? ` (${s.lastSyncStatus})` : ""}.
      </Text>
      <Text as="p" aria-live="polite">
        Sync Now left today: <strong>{s?.syncNowRemainingToday ?? "…"}</strong>; the count resets {s ? new Date(s.syncNowResetsAt).toLocaleString() : "…"}.
      </Text>
      {isAdmin ? (
        <div style={{ display: "flex", gap: "8px", flexWrap: "wrap" }}>
          <Button appearance="primary" disabled={watching} onClick={() => void act("POST", `/tenants/${tenant.id}/sync`, "Sync started.")}>
            Sync Now
          </Button>
          {running ? <Button onClick={() => void act("POST", `/tenants/${tenant.id}/sync/cancel`, "Sync cancelled.")}>Cancel sync</Button> : null}
        </div>
      ) : null}
      {message ? <Notice intent="success">{message}</Notice> : null}
      <ErrorBar error={error ?? status.error} />
      {s?.progress && types.length > 0 ? (
        <Table aria-label="Progress per type" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Type</TableHeaderCell>
              <TableHeaderCell>Pages</TableHeaderCell>
              <TableHeaderCell>Objects</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {types.map(([type, p]) => (
              <TableRow key={type}>
                <TableCell>{type}</TableCell>
                <TableCell>{p?.pages}</TableCell>
                <TableCell>{p?.objects}</TableCell>
                <TableCell>{p?.done ? p.status : <ProgressBar aria-label={`${type} in progress`} />}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </section>
  );
}
