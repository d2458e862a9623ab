import type { TableClient } from "@azure/data-tables";
import { DirectoryAuditStore } from "../store/directory-audit-store.js";
import { HeldStore } from "../store/held.js";
import { HistoryStore } from "../store/history-store.js";
import { ChangeFeedStore } from "../store/change-feed-store.js";
import { MemberStore } from "../store/member-store.js";
import { ObjectStore } from "../store/object-store.js";
import { SyncStateStore } from "../store/sync-state.js";
import type { Tables } from "../store/tables.js";

/** The repositories one tenant's sync touches. Preview runs write objects and links to the previews table. */
export interface SyncStores {
  readonly objects: ObjectStore;
  readonly members: MemberStore;
  readonly state: SyncStateStore;
  readonly held: HeldStore;
  readonly history: HistoryStore;
  /** The tenant's directory audit feed (live only: a preview reads none). */
  readonly audits: DirectoryAuditStore;
  /** The tenant's change feed (live only: a preview writes none). */
  readonly feed?: ChangeFeedStore;
}

export function syncStores(tables: Tables, tenantId: string, target: "live" | "preview" = "live"): SyncStores {
  const data: TableClient = tables.client(target === "live" ? "Objects" : "Previews");
  const links: TableClient = tables.client(target === "live" ? "Members" : "Previews");
  return {
    objects: new ObjectStore(data, tenantId),
    // Preview links share the previews table; their partition keys cannot collide with object ones.
    members: new MemberStore(links, target === "live" ? tenantId : `${tenantId}|links`),
    state: new SyncStateStore(tables.client("SyncState")),
    held: new HeldStore(tables.client("Held")),
    history: new HistoryStore(tables.client("History")),
    audits: new DirectoryAuditStore(tables.client("DirectoryAudits")),
    ...(target === "live" ? { feed: new ChangeFeedStore(tables.client("ChangeFeed"), tenantId) } : {}),
  };
}
