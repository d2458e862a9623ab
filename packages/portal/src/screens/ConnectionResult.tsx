import { List, ListItem, Text } from "@fluentui/react-components";
import type { ReactNode } from "react";
import type { ConnectionReport } from "../api/types.js";
import { Notice } from "../ui.js";

/** Granted and missing permissions, what each missing one blocks, and an AADSTS error with its fix in words. */
export function ConnectionResult({ report }: { report: ConnectionReport }): ReactNode {
  if (report.error) {
    return (
      <div role="region" aria-label="Connection test result">
        <Notice intent="error">
          <strong>{report.error.code}</strong>: {report.error.message}
        </Notice>
        <Text as="p">
          <strong>How to fix it:</strong> {report.error.fix}
        </Text>
      </div>
    );
  }
  return (
    <div role="region" aria-label="Connection test result">
      <Notice intent={report.missingPermissions.length === 0 ? "success" : "warning"}>
        Signed in to {report.tenantName ?? report.tenantId}
        {report.missingPermissions.length === 0 ? ": every permission is granted." : `: ${report.missingPermissions.length} permission(s) missing.`}
      </Notice>
      <Text as="h4" weight="semibold">
        Granted
      </Text>
      {report.grantedPermissions.length === 0 ? <Text as="p">none</Text> : <Text as="p">{report.grantedPermissions.join(", ")}</Text>}
      {report.missingPermissions.length > 0 ? (
        <>
          <Text as="h4" weight="semibold">
            Missing
          </Text>
          <List aria-label="Missing permissions">
            {report.missingPermissions.map((m) => (
              <ListItem key={m.permission}>
                {m.permission}: without it, {m.blocks.join(", ")} cannot be synced. Grant it as an application permission with admin consent.
              </ListItem>
            ))}
          </List>
        </>
      ) : null}
    </div>
  );
}
