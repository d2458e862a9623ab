import { Field, Select } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";
import type { Page } from "../api/types.js";
import { Empty, ErrorBar, Loading, useLoad, useSession } from "../ui.js";
import { Json } from "./Json.js";

/** The tenant's Entra directory audit log as synced, and the audit of membership writes made here. */
export function Audit({ tenantId }: { tenantId: string }): ReactNode {
  const { api } = useSession();
  const [which, setWhich] = useState<"audits" | "audit">("audits");
  const page = useLoad(() => api.get<Page<unknown>>(`/tenants/${tenantId}/${which}`), [api, tenantId, which]);
  return (
    <section aria-label="Audit log">
      <Field label="Log">
        <Select value={which} onChange={(_e, d) => setWhich(d.value as "audits" | "audit")}>
          <option value="audits">Entra directory audit log</option>
          <option value="audit">Membership changes made by this service</option>
        </Select>
      </Field>
      <ErrorBar error={page.error} />
      {page.loading ? <Loading label="Loading the log…" /> : null}
      {page.data?.items.length === 0 ? <Empty>The log is empty.</Empty> : null}
      {page.data && page.data.items.length > 0 ? <Json label="Log entries" value={page.data.items} /> : null}
    </section>
  );
}
