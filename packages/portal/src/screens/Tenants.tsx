import { Badge, Button, Link, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";
import type { Page, Tenant } from "../api/types.js";
import { Empty, ErrorBar, Loading, useLoad, useSession, when } from "../ui.js";
import { AddTenant } from "./AddTenant.js";

const DAY = 86_400_000;

/** Red at 7 days or less (or expired), amber at 30 or less. */
export function ExpiryBadge({ expiresOn }: { expiresOn: string | null }): ReactNode {
  if (!expiresOn) return <Badge appearance="outline">unknown</Badge>;
  const days = Math.floor((Date.parse(expiresOn) - Date.now()) / DAY);
  const label = days < 0 ? "expired" : `${days} days left`;
  const color = days <= 7 ? "danger" : days <= 30 ? "warning" : "success";
  return (
    <Badge appearance="filled" color={color} title={`Secret expires ${when(expiresOn)}`}>
      {label}
    </Badge>
  );
}

export function Tenants({ open }: { open: (id: string) => void }): ReactNode {
  const { api, isAdmin } = useSession();
  const [adding, setAdding] = useState(false);
  const list = useLoad(() => api.get<Page<Tenant>>("/tenants", { pageSize: 1000 }), [api]);
  return (
    <section aria-labelledby="tenants-title">
      <Text as="h2" id="tenants-title" size={600}>
        Tenants
      </Text>
      {isAdmin && !adding ? (
        <div>
          <Button appearance="primary" onClick={() => setAdding(true)}>
            Add a tenant
          </Button>
        </div>
      ) : null}
      {adding ? (
        <AddTenant
          done={(id) => {
            setAdding(false);
            list.reload();
            if (id) open(id);
          }}
        />
      ) : null}
      <ErrorBar error={list.error} />
      {list.loading && !list.data ? <Loading label="Loading tenants…" /> : null}
      {list.data && list.data.items.length === 0 ? <Empty>No tenants yet.{isAdmin ? " Add one to start syncing." : ""}</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <div style={{ overflowX: "auto" }}>
          <Table aria-label="Tenants" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>Enabled</TableHeaderCell>
                <TableHeaderCell>Credential profile</TableHeaderCell>
                <TableHeaderCell>Last sync start</TableHeaderCell>
                <TableHeaderCell>Last sync status</TableHeaderCell>
                <TableHeaderCell>Next run</TableHeaderCell>
                <TableHeaderCell>Secret expiry</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.items.map((t) => (
                <TableRow key={t.id}>
                  <TableCell>
                    <Link
                      href={`#tenant-${t.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        open(t.id);
                      }}
                    >
                      {t.displayName}
                    </Link>
                    <br />
                    <Text size={200}>{t.domain ?? t.id}</Text>
                  </TableCell>
                  <TableCell>{t.enabled ? "On" : "Off"}</TableCell>
                  <TableCell>{t.credential.name ?? "inline secret"}</TableCell>
                  <TableCell>{when(t.lastSyncStart)}</TableCell>
                  <TableCell>{t.deletionsPending ? "deletions pending" : (t.lastSyncStatus ?? "never run")}</TableCell>
                  <TableCell>{when(t.nextRunAt)}</TableCell>
                  <TableCell>
                    <ExpiryBadge expiresOn={t.credential.secretExpiresOn} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : null}
    </section>
  );
}
