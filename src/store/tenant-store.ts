import { odata, type TableClient } from "@azure/data-tables";
import type { Cloud } from "../config/clouds.js";
import type { SyncedType } from "../graph/resource.js";
import type { Schedule } from "../schedule/schema.js";
import type { Filters } from "../sync/filters.js";
import type { DeletionThreshold } from "../sync/threshold.js";
import type { RunStatus } from "./history-store.js";
import { statusOf } from "./status-code.js";

export type TenantStatus = "idle" | "queued" | "running" | "succeeded" | "partial" | "failed" | "held";

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
  /** C1's "Graph domain" override; null means the cloud's own hosts. */
  readonly endpoints: { readonly authorityHost?: string; readonly graphBaseUrl?: string } | null;
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
  readonly lastSyncStatus: RunStatus | "partial" | null;
  readonly nextRunAt: string | null;
}

export interface Versioned<T> {
  readonly value: T;
  readonly etag: string;
}

const PK = "tenant";

/** Tenants: one row each, the document as JSON; ETags guard every change. */
export class TenantStore {
  constructor(private readonly table: TableClient) {}

  /** Adds a tenant; false when its ID exists already (two racing adds: one wins). */
  async create(t: TenantRecord): Promise<boolean> {
    try {
      await this.table.createEntity({ partitionKey: PK, rowKey: t.id, doc: JSON.stringify(t) });
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }

  async get(id: string): Promise<Versioned<TenantRecord> | undefined> {
    try {
      const e = await this.table.getEntity<{ doc: string }>(PK, id);
      return { value: JSON.parse(e.doc) as TenantRecord, etag: e.etag };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  /** Replaces the document if the ETag still matches; false on a lost race (412). */
  async replace(t: TenantRecord, etag: string): Promise<string | false> {
    try {
      const r = await this.table.updateEntity({ partitionKey: PK, rowKey: t.id, doc: JSON.stringify(t) }, "Replace", { etag });
      return r.etag ?? "";
    } catch (err) {
      if (statusOf(err) === 412) return false;
      throw err;
    }
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

  async delete(id: string): Promise<void> {
    try {
      await this.table.deleteEntity(PK, id);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  async *list(): AsyncGenerator<Versioned<TenantRecord>> {
    for await (const e of this.table.listEntities<{ doc: string }>({ queryOptions: { filter: odata`PartitionKey eq ${PK}` } })) {
      yield { value: JSON.parse(e.doc) as TenantRecord, etag: e.etag };
    }
  }
}
