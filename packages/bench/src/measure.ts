const MB = 1024 * 1024;
const HEAP_EVERY = 5;

export interface Measured {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** Highest RSS sampled during the span. */
  readonly peakRssMb: number;
  /** RSS when the span started (after a GC when the process runs with --expose-gc). */
  readonly startRssMb: number;
  /** Highest V8 heapUsed sampled: live objects plus garbage not yet collected. */
  readonly peakHeapMb: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects garbage when possible, so each run starts from the live set and not from the previous run's litter. */
export function collect(): void {
  gc?.();
}

/**
 * Wall time, CPU time (user + system, process.cpuUsage) and peak RSS of a
 * span, RSS sampled every `intervalMs` on an unref'd timer. CPU and RSS are
 * the process's: everything the engine does (Graph client, hashing, table
 * SDK, the fake transport) — the simulator runs in another process.
 */
export class Meter {
  private t0 = 0;
  private cpu0: NodeJS.CpuUsage = { user: 0, system: 0 };
  private peak = 0;
  private peakHeap = 0;
  private phasePeak = 0;
  private phaseHeap = 0;
  private startRss = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 20) {}

  start(): void {
    collect();
    this.startRss = process.memoryUsage.rss();
    this.peak = this.startRss;
    this.peakHeap = process.memoryUsage().heapUsed;
    this.phasePeak = this.peak;
    this.phaseHeap = this.peakHeap;
    this.cpu0 = process.cpuUsage();
    this.t0 = performance.now();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  private ticks = 0;

  /**
   * RSS at every tick; the heap every HEAP_EVERY ticks and at each mark,
   * as process.memoryUsage() (V8's heap statistics) cost 0.7% of the
   * worker's CPU at every tick, and rss() reads the RSS alone.
   */
  private sample(heap = ++this.ticks % HEAP_EVERY === 0): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    if (rss > this.phasePeak) this.phasePeak = rss;
    if (!heap) return;
    const used = process.memoryUsage().heapUsed;
    if (used > this.peakHeap) this.peakHeap = used;
    if (used > this.phaseHeap) this.phaseHeap = used;
  }

  /**
   * Ends a phase: returns the highest RSS and heap since the start or the
   * previous mark, and starts tracking the next phase's own highs.
   */
  mark(): { readonly peakRssMb: number; readonly peakHeapMb: number; readonly atSeconds: number } {
    this.sample(true);
    const out = { peakRssMb: this.phasePeak / MB, peakHeapMb: this.phaseHeap / MB, atSeconds: (performance.now() - this.t0) / 1000 };
    const mem = process.memoryUsage();
    this.phasePeak = mem.rss;
    this.phaseHeap = mem.heapUsed;
    return out;
  }

  /** Elapsed so far, without stopping. */
  read(): Measured {
    this.sample(true);
    const cpu = process.cpuUsage(this.cpu0);
    return {
      wallSeconds: (performance.now() - this.t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMb: this.peak / MB,
      startRssMb: this.startRss / MB,
      peakHeapMb: this.peakHeap / MB,
    };
  }

  stop(): Measured {
    const m = this.read();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return m;
  }
}
