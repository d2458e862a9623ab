import { z } from "zod";
import type { SyncedType } from "../domain/synced.js";
import type { Services } from "../services.js";
import { logJson } from "../monitoring/log-text.js";
import { clientStateMatches } from "./client-state.js";
import { renew, subscriptionsOf, wantsSubscriptions } from "./manager.js";
import { signalDebouncer, type SignalClient } from "./signal.js";
import type { SubscriptionRecord } from "./store.js";

/** What the HTTP function answers. */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** resources/changenotification.md and the lifecycle variant (change-notifications-lifecycle-events.md): only the fields checked here. */
const itemSchema = z.object({
  subscriptionId: z.string().min(1).max(100),
  tenantId: z.string().regex(GUID),
  clientState: z.string().max(256).nullish(),
  changeType: z.string().max(64).optional(),
  lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]).optional(),
});
const collectionSchema = z.object({ value: z.array(z.unknown()).max(10_000) });

/** A validation token is echoed as sent; Graph's are short text, so anything longer or with markup is refused. */
const TOKEN = /^[^<>&\r\n]{1,1024}$/;

/**
 * The notification endpoint (change-notifications-delivery-webhooks.md):
 * - `?validationToken=…`: 200 with the token as text/plain (the handshake,
 *   within 10 s; nothing else is done);
 * - a change notification collection: each item must name a subscription the
 *   tenant has and carry that subscription's clientState; others are dropped,
 *   logged and counted. Accepted items only signal the tenant's debouncer,
 *   so the answer (202) comes well within Graph's 3 seconds;
 * - lifecycle notifications: reauthorizationRequired and subscriptionRemoved
 *   renew (or recreate) the subscription; missed signals its type.
 */
export async function receiveNotifications(services: Services, client: SignalClient, url: URL, body: string, log: (line: string) => void): Promise<Answer> {
  const token = url.searchParams.get("validationToken");
  if (token !== null) {
    if (!TOKEN.test(token)) return { status: 400, headers: { "content-type": "text/plain; charset=utf-8" }, body: "bad validationToken" };
    return { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: token };
  }
  let parsed: z.infer<typeof collectionSchema>;
  try {
    parsed = collectionSchema.parse(JSON.parse(body));
  } catch {
    return { status: 400, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: { code: "BadRequest", message: "The body is not a change notification collection." } }) };
  }
  await services.ready();
  const rows = new Map<string, Promise<SubscriptionRecord[]>>();
  const rowsOf = (tenantId: string): Promise<SubscriptionRecord[]> => {
    let p = rows.get(tenantId);
    if (!p) rows.set(tenantId, (p = subscriptionsOf(services).list(tenantId.toLowerCase())));
    return p;
  };
  const accepted = new Map<string, Set<SyncedType>>();
  const dropped = new Map<string, number>();
  const lifecycle: Array<{ row: SubscriptionRecord; event: string }> = [];
  let unattributed = 0;
  for (const raw of parsed.value) {
    const item = itemSchema.safeParse(raw);
    if (!item.success) {
      unattributed++;
      continue;
    }
    const { tenantId, subscriptionId, clientState, lifecycleEvent } = item.data;
    const row = (await rowsOf(tenantId)).find((r) => r.subscriptionId === subscriptionId);
    const ok = row?.clientStateSecret ? await clientStateMatches(services.secrets, row.clientStateSecret, clientState) : false;
    if (!row || !ok) {
      dropped.set(tenantId.toLowerCase(), (dropped.get(tenantId.toLowerCase()) ?? 0) + 1);
      continue;
    }
    if (lifecycleEvent === "reauthorizationRequired" || lifecycleEvent === "subscriptionRemoved") lifecycle.push({ row, event: lifecycleEvent });
    else {
      // A change, or "missed" (some were lost): either way the type's delta query finds what changed.
      let set = accepted.get(row.tenantId);
      if (!set) accepted.set(row.tenantId, (set = new Set()));
      set.add(row.resource);
    }
  }
  const now = new Date().toISOString();
  for (const [tenantId, types] of accepted) await signalDebouncer(client, services.config, tenantId, [...types]);
  for (const tenantId of new Set([...accepted.keys(), ...dropped.keys()])) {
    if ((await rowsOf(tenantId)).length === 0 && !accepted.has(tenantId)) continue; // not our tenant: nothing to count under
    await subscriptionsOf(services).count(tenantId, accepted.has(tenantId) ? 1 : 0, dropped.get(tenantId) ?? 0, now);
  }
  const droppedTotal = [...dropped.values()].reduce((a, b) => a + b, 0) + unattributed;
  if (droppedTotal > 0) log(`graph notifications: dropped ${logJson({ dropped: droppedTotal, tenants: [...dropped.keys()] })} (unknown subscription, clientState mismatch or malformed)`);
  for (const { row, event } of lifecycle) {
    const t = (await services.tenants.get(row.tenantId))?.value;
    if (!t || !wantsSubscriptions(t)) continue;
    const graph = await services.graphFor(t);
    const r = await renew(services, graph, t, row, Date.now());
    log(`graph notifications: ${event} for tenant ${row.tenantId} ${row.resource}: ${r.state}${r.lastError ? ` (${r.lastError})` : ""}`);
  }
  return { status: 202, headers: {} };
}
