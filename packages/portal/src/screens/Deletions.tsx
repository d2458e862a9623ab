import { Button, Text } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";
import type { Tenant } from "../api/types.js";
import { ErrorBar, Notice, useSession } from "../ui.js";

/** Deletions held by the threshold: approve applies them, reject keeps the objects. */
export function Deletions({ tenant, changed }: { tenant: Tenant; changed: () => void }): ReactNode {
  const { api, isAdmin } = useSession();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  if (!tenant.deletionsPending) return <Text as="p">No deletions are held for this tenant.</Text>;
  const act = async (what: "approve" | "reject"): Promise<void> => {
    setError(undefined);
    try {
      await api.call("POST", `/tenants/${tenant.id}/deletions/${what}`);
      setDone(what === "approve" ? "The held deletions were applied." : "The held deletions were discarded.");
      changed();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-label="Deletions pending">
      <Notice intent="warning">The last run would delete more objects than the threshold allows; it waits for a decision.</Notice>
      {isAdmin ? (
        <div style={{ display: "flex", gap: "8px" }}>
          <Button appearance="primary" onClick={() => void act("approve")}>
            Approve deletions
          </Button>
          <Button onClick={() => void act("reject")}>Reject deletions</Button>
        </div>
      ) : null}
      {done ? <Notice intent="success">{done}</Notice> : null}
      <ErrorBar error={error} />
    </section>
  );
}
