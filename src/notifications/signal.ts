import type { DurableClient } from "durable-functions";
import type { SyncedType } from "../domain/synced.js";
import type { Config } from "../config/config.js";
import { isActive } from "../orchestration/status.js";
import { DEBOUNCE_ORCHESTRATOR, NOTIFIED_EVENT, debounceInstanceOf, type DebounceInput, type NotifiedEvent } from "./debounce.js";

/** The part of the Durable client the endpoint uses. */
export type SignalClient = Pick<DurableClient, "getStatus" | "raiseEvent" | "startNew">;

async function activeStatus(client: SignalClient, instanceId: string): Promise<boolean> {
  try {
    return isActive(String((await client.getStatus(instanceId)).runtimeStatus));
  } catch (err) {
    // getStatus rejects on 404: no such instance.
    if (err instanceof Error && /\b404\b/.test(err.message)) return false;
    throw err;
  }
}

/**
 * Hands the notified types to the tenant's debouncer: an event to the one
 * waiting, or a new one. Starting over a running instance is refused and
 * raising to a finished one fails, so a lost race is tried once more the
 * other way.
 */
export async function signalDebouncer(client: SignalClient, config: Pick<Config, "notifications">, tenantId: string, types: readonly SyncedType[]): Promise<void> {
  const instanceId = debounceInstanceOf(tenantId);
  const input: DebounceInput = { tenantId, types, quietMs: config.notifications.quietMs, maxDelayMs: config.notifications.maxDelayMs };
  for (let attempt = 0; ; attempt++) {
    try {
      if (await activeStatus(client, instanceId)) await client.raiseEvent(instanceId, NOTIFIED_EVENT, { types } satisfies NotifiedEvent);
      else await client.startNew(DEBOUNCE_ORCHESTRATOR, { instanceId, input });
      return;
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
}
