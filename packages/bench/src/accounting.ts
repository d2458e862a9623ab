import { resourceName, type RequestRecord } from "../../azure-sim/src/graph/requestLog.js";
import type { ResourceModule } from "../../../src/graph/resource.js";
import { RESOURCES } from "../../../src/graph/resources/index.js";
/**
 * The bench's accounting of Graph traffic, from the simulator's own request
 * log (GET /_sim/requests), never from the client's view of itself.
 *
 * Critical path — the definition used throughout:
 *
 *   Every stream asks for its pages one after the other: request k+1 needs
 *   the nextLink of answer k, and a retried request waits for the failed
 *   attempt. The simulator adds a fixed latency L to every /v1.0 request.
 *   So the requests of one stream form a chain that cannot take less than
 *   (its length) × L, while chains of different streams may overlap. We
 *   group the log by (tenant, stream) — users, groups, devices, …, and
 *   servicePrincipals/owners for reads under one object — one chain per stream, count every request in it (retried and faulted ones
 *   too), and call the longest chain the critical path:
 *
 *     criticalPathSeconds = max over chains (requests in chain) × L
 *
 *   With the latency model of a base plus a per-object cost (--latency-ms L
 *   --latency-per-object-ms P), the simulator holds each answer L + P × n ms
 *   where n is the objects it returns (logged as `objects`), and a chain's
 *   floor is the sum of its requests' modelled latencies:
 *
 *     criticalPathSeconds = max over chains Σ (L + P × objects)
 *
 *   A stream Graph limits to R requests per window W (the sign-in and audit
 *   lists: includes/throttling-entra-logs-reports.md in
 *   concepts/throttling-limits.md; the module's `rate`) cannot start request
 *   i before request i − R started plus W, so its floor is that schedule's
 *   end: t_i = max(t_{i−1} + l_{i−1}, t_{i−R} + W), floor = t_{n−1} + l_{n−1}.
 *   `latencyOnlySeconds` is the same chain without the limit, and
 *   `unpaced` is the critical path and logged span of the streams Graph
 *   does not limit so (what the engine's own overhead shows against).
 *
 *   Requests of one chain that were in flight together (the items of a
 *   `$batch`) form one wave and cost its longest latency (waveLatencies).
 *
 *   No run that makes these requests can finish sooner, so
 *   ratioToLimit = wallSeconds / criticalPathSeconds ≥ 1, and the closer
 *   to 1, the less the engine adds on top of Graph's own latency.
 *
 *   Interval-based companions, from the logged start/end of each request:
 *   - servedSeconds: the sum of (end − start) along the longest chain: the
 *     latency plus the simulator's own time to build each answer. This is a
 *     stricter floor (it includes server work the client cannot avoid) but
 *     depends on the simulator's speed, so the headline uses n × L.
 *   - withRetryAfterSeconds: n × L plus Retry-After for each faulted request
 *     in the chain — with throttling, waiting is part of the floor too.
 *   - maxOverlap: the most requests of one chain in flight at once (1: the
 *     chain is sequential; more: a `$batch`, counted as waves).
 */

/** One entry of the simulator's request log, as GET /_sim/requests returns it. */
export type LoggedRequest = RequestRecord;

export interface Chain {
  readonly tenantId: string | null;
  readonly resource: string;
  readonly requests: number;
  readonly faulted: number;
  /** The chain's floor: its modelled latencies (L + P × objects), paced by Graph's documented rate limit if it has one, seconds. */
  readonly modelledSeconds: number;
  /** The same latencies summed, with no rate limit, seconds. */
  readonly latencyOnlySeconds: number;
  /** Graph's documented rate limit of this stream, if any. */
  readonly rate: ResourceModule["rate"] | null;
  /** Sum of (end − start) over the chain's requests, seconds. */
  readonly servedSeconds: number;
  /** From the chain's first start to its last end, seconds. */
  readonly spanSeconds: number;
  /** The chain's first start and last end, epoch ms. */
  readonly firstStartMs: number;
  readonly lastEndMs: number;
  /** Most requests of this chain in flight at once. */
  readonly maxOverlap: number;
}

export interface Accounting {
  readonly total: number;
  /** Graph objects the logged answers returned (a $batch's sub-answers counted one by one, the envelope not). */
  readonly objects: number;
  readonly byResource: Record<string, number>;
  readonly byStatus: Record<string, number>;
  readonly faults: Record<string, number>;
  readonly chains: readonly Chain[];
  readonly longest: Chain | null;
  readonly criticalPathSeconds: number;
  readonly servedSeconds: number;
  readonly withRetryAfterSeconds: number;
  readonly maxOverlap: number;
  /** The longest chain's latencies summed with no rate limit, seconds. */
  readonly latencyOnlySeconds: number;
  /** The streams without a documented rate limit: their longest floor, and the log's first start to their last end. */
  readonly unpaced: { readonly criticalPathSeconds: number; readonly resource: string | null; readonly spanSeconds: number };
}

/** Logged stream name → Graph's documented rate limit, from the resource modules that declare one. */
const RATES: ReadonlyMap<string, NonNullable<ResourceModule["rate"]>> = new Map(
  RESOURCES.flatMap((m) => (m.rate ? [[resourceName(m.path.split("/").filter(Boolean), m.select.join(",")), m.rate] as const] : [])),
);

/** The end of a chain of latencies `ms` when at most `rate.requests` may start in any `rate.perMs` (a sliding window on starts, as Graph counts). */
export function pacedFloorMs(ms: readonly number[], rate: ResourceModule["rate"] | null): number {
  const starts: number[] = [];
  let end = 0;
  for (let i = 0; i < ms.length; i++) {
    const prevEnd = i === 0 ? 0 : starts[i - 1]! + ms[i - 1]!;
    const windowOpen = rate && i >= rate.requests ? starts[i - rate.requests]! + rate.perMs : 0;
    starts.push(Math.max(prevEnd, windowOpen));
    end = starts[i]! + ms[i]!;
  }
  return end;
}

/**
 * A chain's requests as waves: requests whose logged intervals overlap were in
 * flight together (a `$batch` envelope's items, which Graph runs in parallel
 * unless they use dependsOn: concepts/json-batching.md), so none waited for
 * another. Each wave costs its longest modelled latency; waves follow one
 * another. A chain with no overlap is one request per wave.
 */
function waveLatencies(rs: readonly LoggedRequest[], latency: (r: LoggedRequest) => number): number[] {
  const sorted = [...rs].sort((a, b) => a.start - b.start);
  const out: number[] = [];
  let end = -Infinity;
  for (const r of sorted) {
    if (r.start < end && out.length > 0) out[out.length - 1] = Math.max(out[out.length - 1]!, latency(r));
    else out.push(latency(r));
    end = Math.max(end, r.end);
  }
  return out;
}

function maxOverlap(rs: readonly LoggedRequest[]): number {
  const events: Array<[number, number]> = [];
  for (const r of rs) {
    events.push([r.start, 1], [r.end, -1]);
  }
  // Ends before starts at the same instant: back-to-back requests do not overlap.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of events) {
    now += d;
    if (now > max) max = now;
  }
  return max;
}

/**
 * The stream a request belongs to: its resource, and the navigation under one
 * object when there is one, or `/list` for a plain list. `$batch` sub-requests
 * are logged one by one, and two per-parent streams (appRoleAssignedTo and
 * owners of service principals) read under the same resource at once.
 */
export function streamOf(r: Pick<LoggedRequest, "path" | "resource">): string {
  const segments = r.path.replace(/^\/(v1\.0|beta)\//, "").split("/");
  if (r.resource === "$batch" || (segments[0] ?? "").replace(/\(.*$/, "") !== r.resource) return r.resource;
  // A plain list beside a delta stream: the per-parent kinds list their parents' IDs (changed-parents.ts).
  if (segments.length === 1) return `${r.resource}/list`;
  return segments[2] ? `${r.resource}/${segments[2]}` : r.resource;
}

/** One chain per (tenant, stream), longest (modelled latency, then requests) first. */
export function chainsOf(records: Iterable<LoggedRequest>, latencyMs = 0, latencyPerObjectMs = 0): Chain[] {
  const groups = new Map<string, LoggedRequest[]>();
  for (const r of records) {
    const key = `${r.tenantId ?? "-"}\u0000${streamOf(r)}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const chains: Chain[] = [];
  for (const rs of groups.values()) {
    const first = rs[0]!;
    let served = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let faulted = 0;
    const latencies = waveLatencies(rs, (r) => latencyMs + latencyPerObjectMs * (r.objects ?? 0));
    for (const r of rs) {
      served += r.end - r.start;
      lo = Math.min(lo, r.start);
      hi = Math.max(hi, r.end);
      if (r.fault) faulted++;
    }
    const rate = RATES.get(streamOf(first)) ?? null;
    chains.push({
      tenantId: first.tenantId,
      resource: streamOf(first),
      requests: rs.length,
      faulted,
      modelledSeconds: pacedFloorMs(latencies, rate) / 1000,
      latencyOnlySeconds: latencies.reduce((a, b) => a + b, 0) / 1000,
      rate,
      servedSeconds: served / 1000,
      spanSeconds: (hi - lo) / 1000,
      firstStartMs: lo,
      lastEndMs: hi,
      maxOverlap: maxOverlap(rs),
    });
  }
  return chains.sort((a, b) => b.modelledSeconds - a.modelledSeconds || b.requests - a.requests || a.resource.localeCompare(b.resource));
}

/**
 * Accounting of a run's log; `latencyMs` is the simulator's fixed per-request latency, `latencyPerObjectMs`
 * its cost per object returned, `retryAfterSeconds` what it sent on faults.
 */
export function account(records: readonly LoggedRequest[], latencyMs: number, retryAfterSeconds = 0, latencyPerObjectMs = 0): Accounting {
  const byResource: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const faults: Record<string, number> = {};
  let objects = 0;
  for (const r of records) {
    objects += r.objects ?? 0;
    byResource[r.resource] = (byResource[r.resource] ?? 0) + 1;
    byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
    if (r.fault) faults[r.fault] = (faults[r.fault] ?? 0) + 1;
  }
  const chains = chainsOf(records, latencyMs, latencyPerObjectMs);
  const longest = chains[0] ?? null;
  const modelled = longest?.modelledSeconds ?? 0;
  const unpacedChains = chains.filter((c) => c.rate === null);
  const first = chains.reduce((m, c) => Math.min(m, c.firstStartMs), Infinity);
  const lastUnpaced = unpacedChains.reduce((m, c) => Math.max(m, c.lastEndMs), -Infinity);
  return {
    total: records.length,
    objects,
    byResource,
    byStatus,
    faults,
    chains,
    longest,
    criticalPathSeconds: modelled,
    servedSeconds: longest?.servedSeconds ?? 0,
    withRetryAfterSeconds: modelled + (longest?.faulted ?? 0) * retryAfterSeconds,
    maxOverlap: chains.reduce((m, c) => Math.max(m, c.maxOverlap), 0),
    latencyOnlySeconds: chains.reduce((m, c) => Math.max(m, c.latencyOnlySeconds), 0),
    unpaced: {
      criticalPathSeconds: unpacedChains[0]?.modelledSeconds ?? 0,
      resource: unpacedChains[0]?.resource ?? null,
      spanSeconds: lastUnpaced > first ? (lastUnpaced - first) / 1000 : 0,
    },
  };
}

/** The resource a Graph URL or path addresses, as the simulator logs it (resourceName). */
export function resourceOfUrl(url: string): string {
  const u = new URL(url, "https://graph.invalid");
  const seg = u.pathname.split("/").filter(Boolean);
  return resourceName(seg.slice(seg.indexOf("v1.0") + 1), u.searchParams.get("$select"));
}
