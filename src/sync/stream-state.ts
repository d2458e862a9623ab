import { hash } from "node:crypto";
import { zeroCounters, type StreamCounters, type StreamState } from "../store/sync-state.js";
import type { StreamInput } from "./stream.js";

/** What one stream call reports: where the stream stands, and the writes it made. */
export interface StreamProgress {
  readonly type: string;
  readonly done: boolean;
  readonly status: StreamState["status"];
  readonly mode: StreamState["mode"];
  readonly counters: StreamCounters;
  readonly missingPermission: string | null;
  readonly error: string | null;
  readonly writes: { readonly transactions: number; readonly entities: number };
}

/**
 * The `$select` a deltaLink was made with: Graph encodes the first request's
 * parameters into its links (group-delta.md, "Query parameters"), so a link
 * made before a property or navigation joined `select` (owners, manager)
 * would never bring it. A changed select scans in full once.
 */
export const selectHashOf = (select: readonly string[]): string => hash("sha1", select.join(","), "base64url").slice(0, 16);

/** A stream's state at the start of a run, before any carry-over: what every kind of stream begins from. */
export function runningState(type: string, runId: string, mode: StreamState["mode"], startedAt: string): StreamState {
  return {
    type,
    runId,
    mode,
    nextUrl: null,
    deltaLink: null,
    seq: 0,
    counters: zeroCounters(),
    status: "running",
    error: null,
    missingPermission: null,
    filterHash: "",
    total: 0,
    memberTotal: 0,
    startedAt,
    endedAt: null,
  };
}

/** A run's first call: a full scan unless the stored deltaLink can resume, with the totals carried over. */
export function freshState(input: StreamInput, previous: StreamState | undefined, deltaRounds: boolean, now: () => number): StreamState {
  const m = input.module;
  const selectHash = selectHashOf(m.select);
  const full =
    !deltaRounds || input.fullScan || m.mode === "list" || !previous?.deltaLink || previous.filterHash !== input.scopeHash || previous.selectHash !== selectHash;
  return {
    ...runningState(m.type, input.runId, full ? "full" : "delta", new Date(now()).toISOString()),
    nextUrl: full ? null : (previous?.deltaLink ?? null),
    deltaLink: deltaRounds ? (previous?.deltaLink ?? null) : null,
    filterHash: input.scopeHash,
    selectHash,
    total: previous?.total ?? 0,
    memberTotal: previous?.memberTotal ?? 0,
    linkTotals: { ...previous?.linkTotals },
    warnings: previous?.warnings ?? [],
    warningsAt: previous?.warningsAt ?? null,
    skippedNames: [],
  };
}

/** What a stream call reports; `writes` are the call's own (none for a call that only read its state). */
export function progress(state: StreamState, writes: { transactions: number; entities: number } = { transactions: 0, entities: 0 }): StreamProgress {
  return {
    type: state.type,
    done: state.status !== "running",
    status: state.status,
    mode: state.mode,
    counters: { ...state.counters },
    missingPermission: state.missingPermission,
    error: state.error,
    writes,
  };
}
