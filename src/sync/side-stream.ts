import { cloudLabel, type Cloud } from "../config/clouds.js";
import type { ResourceModule } from "../graph/resource.js";
import type { StreamState, SyncStateStore } from "../store/sync-state.js";
import { DeltaTokenExpired, GraphRefused, LicenceRequired, PermissionDenied } from "./graph-source.js";
import type { StreamProgress } from "./stream.js";
import { progress, runningState } from "./stream-state.js";

/** What the attribute and feed streams share with the others: a StreamState under the type's key, so history and fan-in read them unchanged. */
export function newState(m: ResourceModule, runId: string, at: string, previous: StreamState | undefined): StreamState {
  return {
    ...runningState(m.type, runId, "full", at),
    filterHash: previous?.filterHash ?? "",
    total: previous?.total ?? 0,
    lastPassAt: previous?.lastPassAt ?? null,
    newest: previous?.newest ?? null,
  };
}

/**
 * How a refused read ends the stream: skipped with Graph's own text when the
 * permission or the licence is missing, failed for another refusal; else
 * undefined (the caller rethrows, and the activity's retry takes over).
 */
export function refusal(m: ResourceModule, err: unknown): { status: "skipped" | "failed"; error: string; missingPermission: string | null } | undefined {
  if (err instanceof PermissionDenied) return { status: "skipped", error: `missing permission ${m.permission}: ${err.message}`, missingPermission: m.permission };
  if (err instanceof LicenceRequired) return { status: "skipped", error: `licence required: ${err.message}`, missingPermission: null };
  if (err instanceof GraphRefused) return { status: "failed", error: err.message, missingPermission: null };
  // A list has no token to lose: a 410 or syncStateNotFound here is Graph's failure, named.
  if (err instanceof DeltaTokenExpired) return { status: "failed", error: `Graph answered ${err.message}`, missingPermission: null };
  return undefined;
}

/**
 * Keeps a stream within `rate` (at most `requests` in any `perMs`). A fresh
 * pass may use the whole window at once; a call that resumes a pass counts
 * the window as used by the call before it, spread evenly, so it goes at the
 * steady pace from its first request.
 */
export function pacer(rate: ResourceModule["rate"], fresh: boolean, now: () => number, sleep: (ms: number) => Promise<void>): () => Promise<void> {
  if (!rate) return () => Promise.resolve();
  const gap = rate.perMs / rate.requests;
  const start = now();
  const times: number[] = fresh ? [] : Array.from({ length: rate.requests }, (_, i) => start - rate.perMs + (i + 1) * gap);
  return async () => {
    while (times.length >= rate.requests) {
      const wait = (times[0] ?? 0) + rate.perMs - now();
      if (wait > 0) await sleep(wait);
      times.shift();
    }
    times.push(now());
  };
}

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Why an attribute or feed stream does not read Graph in this run, if it does not. */
export function notRun(m: ResourceModule, mode: "live" | "preview", cloud: Cloud): { status: "done" | "skipped"; error: string | null } | undefined {
  if (m.clouds && !m.clouds.includes(cloud)) return { status: "skipped", error: `${m.type} is not offered in the ${cloudLabel(cloud)} cloud` };
  // Neither is a directory change a preview could show: the preview records the stored total, unchanged.
  if (mode === "preview") return { status: "done", error: null };
  return undefined;
}

/** Records the stream as ended without a read, under `key` (the tenant, or its preview). */
export async function passOver(state: SyncStateStore, key: string, m: ResourceModule, runId: string, end: { status: "done" | "skipped"; error: string | null }, live: StreamState | undefined): Promise<StreamProgress> {
  const at = new Date().toISOString();
  const s: StreamState = { ...newState(m, runId, at, live), ...end, endedAt: at };
  await state.put(key, m.type, s);
  return progress(s);
}
