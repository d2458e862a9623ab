import type { FaultKind } from "./faults.js";

export interface RequestRecord {
  readonly tenantId: string | null;
  readonly method: string;
  /** Path without host or query (tokens would make the log large). */
  readonly path: string;
  /** users, groups, …; "organization", "applications" for applications(appId=…). */
  readonly resource: string;
  /** Epoch milliseconds with sub-millisecond precision. */
  readonly start: number;
  readonly end: number;
  /** 0 when the connection was dropped. */
  readonly status: number;
  readonly fault: FaultKind | null;
  /** Objects the answer returned (its `value` items; 1 for a single object); absent for errors and empty answers. */
  readonly objects?: number;
}

export const DEFAULT_REQUEST_LOG_CAPACITY = 1_000_000;

/** A ring buffer of the latest requests; older ones are overwritten and counted. */
export class RequestLog {
  private readonly ring: RequestRecord[] = [];
  private next = 0;
  private overwritten = 0;

  constructor(readonly capacity = DEFAULT_REQUEST_LOG_CAPACITY) {}

  push(r: RequestRecord): void {
    if (this.capacity <= 0) return;
    if (this.ring.length < this.capacity) this.ring.push(r);
    else {
      this.ring[this.next] = r;
      this.overwritten++;
    }
    this.next = (this.next + 1) % this.capacity;
  }

  get size(): number {
    return this.ring.length;
  }

  /** Records lost to the ring's capacity since the last clear. */
  get dropped(): number {
    return this.overwritten;
  }

  /** Oldest first. */
  *entries(tenantId?: string): Generator<RequestRecord> {
    const n = this.ring.length;
    const first = n < this.capacity ? 0 : this.next;
    for (let k = 0; k < n; k++) {
      const r = this.ring[(first + k) % n]!;
      if (tenantId === undefined || r.tenantId === tenantId) yield r;
    }
  }

  clear(): void {
    this.ring.length = 0;
    this.next = 0;
    this.overwritten = 0;
  }
}

/** High-resolution wall-clock milliseconds. */
export const hrNow = (): number => performance.timeOrigin + performance.now();

/**
 * The logged resource: the first segment; under /roleManagement/directory/ the
 * collection (three kinds share that root); and `signInActivity` for the
 * users list that selects it, a stream of its own beside the users delta.
 */
export function resourceName(segments: readonly string[], select: string | null = null): string {
  const first = (segments[0] ?? "").replace(/\(.*$/, "");
  if (first === "roleManagement" && segments[2]) return segments[2];
  if (first === "users" && segments.length === 1 && select !== null && /(^|,)signInActivity(,|$)/.test(select)) return "signInActivity";
  return first;
}
