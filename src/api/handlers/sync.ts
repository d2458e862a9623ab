import { instanceIdOf } from "../../orchestration/contract.js";
import { readRunProgress } from "../../orchestration/progress.js";
import { notificationsView } from "../../notifications/view.js";
import { isActive, isRunning, startRun } from "../../orchestration/start-run.js";
import { utcDay, type QuotaResult } from "../../store/quota-store.js";
import type { TenantRecord } from "../../store/tenant-store.js";
import { RequestError } from "../errors.js";
import { route, type ApiDeps } from "../route.js";
import { loadTenant } from "../tenant-param.js";
import { apiBaseUrl } from "../public-url.js";

/** The claim winner found the day's quota used: the claim is released and the caller gets a 429. */
class QuotaRefused extends Error {}

export const syncRoutes = [
  route({
    name: "syncNow",
    method: "POST",
    path: "tenants/{id}/sync",
    access: "admin",
    summary: "Sync Now: at most SYNC_NOW_DAILY_LIMIT (4) accepted per tenant per UTC day",
    responses: { 202: "Started; Location is the status", 404: "No such tenant", 409: "Running, disabled or deletions pending", 429: "Daily quota used; Retry-After until the next UTC day" },
    async handler({ deps, params, url }) {
      const { value: t } = await loadTenant(deps, params.id);
      if (!t.enabled) throw new RequestError(409, "TenantDisabled", "The tenant is turned off; turn it on to sync.");
      if (t.deletionsPending) throw new RequestError(409, "DeletionsPending", "Deletions are held for approval; approve or reject them first.");
      // A run in progress costs no quota.
      if (await isRunning(deps.orchestration, t.id)) throw new RequestError(409, "SyncRunning", "A sync of this tenant is running.");
      const quota = deps.services.quota;
      const limit = deps.services.config.syncNowDailyLimit;
      const refused = (used: number, retryAfterSeconds: number) =>
        new RequestError(429, "DailyLimitReached", `Sync Now is limited to ${limit} a day per tenant (UTC day).`, { limit, used, remaining: 0 }, { "Retry-After": String(retryAfterSeconds) });
      const used = await quota.used(t.id);
      if (used >= limit) throw refused(used, utcDay(Date.now()).secondsLeft);
      // The quota is taken only by the one caller that won the tenant's claim, so a reservation
      // that is later refunded is never what makes another caller see "remaining 0".
      let taken: QuotaResult | undefined;
      let over: QuotaResult | undefined;
      const started = await startRun(deps.orchestration, deps.services.tenants, t.id, "manual", "live", Date.now, async () => {
        const q = await quota.take(t.id, limit);
        if (!q.accepted) {
          over = q;
          throw new QuotaRefused();
        }
        taken = q;
      }).catch(async (err: unknown) => {
        if (err instanceof QuotaRefused && over && !over.accepted) throw refused(over.used, over.retryAfterSeconds);
        if (taken) await quota.refund(t.id);
        throw err;
      });
      if (!started.started || !taken) {
        // Another caller holds the claim: its run is starting (or running), and its quota is its own.
        throw new RequestError(409, "SyncRunning", "A sync of this tenant is running.");
      }
      const q: QuotaResult = taken;
      const location = `${apiBaseUrl(deps.services.config, url)}/tenants/${t.id}/sync`;
      return { status: 202, headers: { Location: location }, jsonBody: { runId: started.runId, status: "running", remainingToday: q.remaining, location } };
    },
  }),
  route({
    name: "syncStatus",
    method: "GET",
    path: "tenants/{id}/sync",
    access: "reader",
    summary: "Status and progress of the tenant's current or last run",
    responses: { 200: "Status", 404: "No such tenant" },
    async handler({ deps, params }) {
      const { value: t } = await loadTenant(deps, params.id);
      return { status: 200, jsonBody: await syncStatusView(deps, t) };
    },
  }),
];

/** GET /tenants/{id}/sync's body; the portal reads its type from here. */
export async function syncStatusView(deps: ApiDeps, t: TenantRecord) {
  const instance = await deps.orchestration.getStatus(instanceIdOf(t.id));
  const running = instance !== undefined && isActive(instance.runtimeStatus);
  const progress = await readRunProgress(deps.orchestration, t.id, instance);
  const status = running ? "running" : t.deletionsPending ? "held" : t.lastSyncStatus === null ? "idle" : t.lastSyncStatus === "partial" ? "failed" : t.lastSyncStatus;
  return {
    status,
    runId: t.lastRunId,
    trigger: t.lastTrigger,
    progress: progress?.runId === t.lastRunId ? progress : null,
    startedAt: t.lastSyncStart,
    endedAt: running ? null : t.lastSyncEnd,
    lastSyncStatus: t.lastSyncStatus,
    syncNowRemainingToday: Math.max(0, deps.services.config.syncNowDailyLimit - (await deps.services.quota.used(t.id))),
    // The quota's day is the UTC day (quota-store.ts): it resets at the next UTC midnight.
    syncNowResetsAt: new Date(utcDay(Date.now()).nextDayStart).toISOString(),
    notifications: await notificationsView(deps.services, deps.orchestration, t),
  };
}
