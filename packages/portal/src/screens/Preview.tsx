import { Button, Text } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";
import { ApiError } from "../api/client.js";
import type { Tenant } from "../api/types.js";
import { ErrorBar, Loading, Notice, useLoad, useSession, when } from "../ui.js";
import { Json } from "./Json.js";

interface PreviewBody {
  readonly status: string;
  readonly startedAt: string | null;
  readonly records: number;
  readonly summary: unknown;
  readonly exportRequired: boolean;
  readonly items: unknown[];
}

/** Only while the tenant is off: start one, then its summary, its records, or "export required" above the inline limit. */
export function Preview({ tenant }: { tenant: Tenant }): ReactNode {
  const { api, isAdmin } = useSession();
  const [error, setError] = useState<unknown>();
  const p = useLoad(async () => {
    try {
      return await api.get<PreviewBody>(`/tenants/${tenant.id}/preview`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }, [api, tenant.id]);
  if (tenant.enabled) return <Notice intent="info">A preview is available only while the tenant is turned off (Configuration).</Notice>;
  const start = async (): Promise<void> => {
    setError(undefined);
    try {
      await api.call("POST", `/tenants/${tenant.id}/preview`);
    } catch (err) {
      setError(err);
    }
    p.reload();
  };
  const exportJson = async (): Promise<void> => {
    try {
      const res = await api.raw("GET", `/tenants/${tenant.id}/preview/export`);
      const a = document.createElement("a");
      a.href = URL.createObjectURL(await res.blob());
      a.download = `preview-${tenant.id}.json`;
      a.click();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-label="Preview">
      <div style={{ display: "flex", gap: "8px" }}>
        {isAdmin ? <Button onClick={() => void start()}>Start a preview</Button> : null}
        <Button onClick={p.reload}>Refresh</Button>
        {p.data?.status === "ready" ? <Button onClick={() => void exportJson()}>Export JSON</Button> : null}
      </div>
      <ErrorBar error={error ?? p.error} />
      {p.loading ? <Loading label="Loading the preview…" /> : null}
      {p.data === null ? <Text as="p">No preview yet.</Text> : null}
      {p.data ? (
        <>
          <Text as="p">
            Preview {p.data.status}, started {when(p.data.startedAt)}, {p.data.records} records.
          </Text>
          <Json label="Preview summary" value={p.data.summary} />
          {p.data.exportRequired ? <Notice intent="info">Too many records to show here: export the preview as JSON.</Notice> : <Json label="Preview records" value={p.data.items} />}
        </>
      ) : null}
    </section>
  );
}
