import type { TableClient } from "@azure/data-tables";
import type { Cloud } from "../config/clouds.js";
import type { SyncedType } from "../domain/synced.js";
import type { Schedule } from "../schedule/schema.js";
import type { Filters } from "../domain/filters.js";
import type { DeletionThreshold } from "../domain/threshold.js";
import type { EndpointOverrides } from "../domain/endpoints.js";
import type { LastSyncStatus, TenantStatus } from "../domain/run-outcome.js";
import { DocStore } from "./doc-store.js";

export type { Versioned } from "./doc-store.js";

export interface TenantSettings {
  readonly displayName: string;
  readonly cloud: Cloud;
  readonly domain: string | null;
  readonly enabled: boolean;
  readonly credentialId: string;
  readonly objectTypes: readonly SyncedType[];
  readonly schedule: Schedule;
  readonly filters: Filters;
  readonly deletionThreshold: DeletionThreshold | null;
  /** The tenant's own sign-in and Graph hosts; null means the cloud's own. */
  readonly endpoints: EndpointOverrides | null;
}

export interface TenantRecord extends TenantSettings {
  readonly id: string;
  readonly createdAt: string;
  readonly fullScanNextRun: boolean;
  readonly deletionsPending: boolean;
  readonly status: TenantStatus;
  readonly lastRunId: string | null;
  readonly lastTrigger: string | null;
  readonly lastSyncStart: string | null;
  readonly lastSyncEnd: string | null;
  readonly lastSyncStatus: LastSyncStatus | null;
  readonly nextRunAt: string | null;
}

const PK = "tenant";

/** Tenants: one row each, the document as JSON; ETags guard every change. */
export class TenantStore extends DocStore<TenantRecord> {
  constructor(table: TableClient) {
    super(table, PK);
  }

  /** Read-modify-write with ETag retries; `change` may return undefined to leave the tenant alone. */
  async update(id: string, change: (t: TenantRecord) => TenantRecord | undefined, attempts = 10): Promise<TenantRecord | undefined> {
    for (let i = 0; i < attempts; i++) {
      const cur = await this.get(id);
      if (!cur) return undefined;
      const next = change(cur.value);
      if (!next) return cur.value;
      if ((await this.replace(next, cur.etag)) !== false) return next;
    }
    throw new Error(`tenant ${id}: too much contention`);
  }

  /** IDs of the tenants that sign in with this credential profile. */
  async usingCredential(credentialId: string): Promise<string[]> {
    const out: string[] = [];
    for await (const { value } of this.list()) if (value.credentialId === credentialId) out.push(value.id);
    return out;
  }
}
