import { Button, Tab, TabList, Text } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";
import type { Tenant } from "../api/types.js";
import { ErrorBar, Loading, useLoad, useSession } from "../ui.js";
import { Audit } from "./Audit.js";
import { Configuration } from "./Configuration.js";
import { Deletions } from "./Deletions.js";
import { History } from "./History.js";
import { Objects } from "./Objects.js";
import { Preview } from "./Preview.js";
import { SyncPanel } from "./SyncPanel.js";

type TabId = "config" | "sync" | "history" | "preview" | "deletions" | "objects" | "audit";

export interface TenantLoad {
  readonly tenant: Tenant;
  readonly etag: string;
}

export function TenantDetail({ id, back }: { id: string; back: () => void }): ReactNode {
  const { api } = useSession();
  const [tab, setTab] = useState<TabId>("sync");
  const t = useLoad(async (): Promise<TenantLoad> => {
    const r = await api.call<Tenant>("GET", `/tenants/${id}`);
    return { tenant: r.body, etag: r.headers.get("etag") ?? "" };
  }, [api, id]);
  return (
    <section aria-labelledby="tenant-title">
      <Button appearance="subtle" onClick={back}>
        ← All tenants
      </Button>
      <ErrorBar error={t.error} />
      {!t.data ? (
        t.loading ? <Loading label="Loading the tenant…" /> : null
      ) : (
        <>
          <Text as="h2" id="tenant-title" size={600}>
            {t.data.tenant.displayName}
          </Text>
          <TabList selectedValue={tab} onTabSelect={(_e, d) => setTab(d.value as TabId)} aria-label="Tenant sections" style={{ flexWrap: "wrap" }}>
            <Tab value="sync">Sync</Tab>
            <Tab value="config">Configuration</Tab>
            <Tab value="history">History</Tab>
            <Tab value="preview">Preview</Tab>
            <Tab value="deletions">Deletions pending</Tab>
            <Tab value="objects">Objects</Tab>
            <Tab value="audit">Audit log</Tab>
          </TabList>
          <div style={{ paddingTop: "12px", display: "flex", flexDirection: "column", gap: "12px" }}>
            {tab === "sync" ? <SyncPanel tenant={t.data.tenant} changed={t.reload} /> : null}
            {tab === "config" ? <Configuration load={t.data} reload={t.reload} /> : null}
            {tab === "history" ? <History tenantId={id} /> : null}
            {tab === "preview" ? <Preview tenant={t.data.tenant} /> : null}
            {tab === "deletions" ? <Deletions tenant={t.data.tenant} changed={t.reload} /> : null}
            {tab === "objects" ? <Objects tenantId={id} /> : null}
            {tab === "audit" ? <Audit tenantId={id} /> : null}
          </div>
        </>
      )}
    </section>
  );
}
