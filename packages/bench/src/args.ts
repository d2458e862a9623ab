import { RUN_NAMES, type RunName } from "./types.js";

export interface BenchArgs {
  readonly users: number;
  readonly quick: boolean;
  readonly json: boolean;
  /** Also write the JSON result to this file. */
  readonly jsonOut: string | null;
  readonly latencyMs: number;
  /** The latency model's per-object cost, ms per object a Graph answer returns (0: a fixed latency). */
  readonly latencyPerObjectMs: number;
  readonly tableLatencyMs: number;
  readonly store: "fake" | "azurite";
  readonly sizes: readonly number[] | null;
  readonly runs: readonly RunName[];
  /** Groups whose members the naive baseline fetches; null = the default for the size and store. */
  readonly naiveGroups: number | null;
  readonly seed: number;
  readonly rate429: number;
  readonly rate503: number;
  readonly retryAfterSeconds: number;
  readonly mutationRate: number;
  /** --max-old-space-size for the worker processes (null: Node's default for this machine). */
  readonly heapLimitMb: number | null;
  /** Small tenants of the fleet run (0: no fleet run); --quick makes QUICK_FLEET. */
  readonly fleet: number;
  /** --fleet given without --quick: the fleet run alone. */
  readonly fleetOnly: boolean;
  /** The shared throttling budget in the fleet run (issue 18 item 5). */
  readonly throttleBudget: boolean;
  /** The fleet run stops waiting after this long and reports what finished. */
  readonly fleetTimeoutSeconds: number;
  /** The bench tenant has Entra ID P1/P2, so the sign-in list (10 pages a minute) is read. */
  readonly signIns: boolean;
}

/**
 * The fleet of --quick. Small, as the service's tables are in Azurite, which
 * scans a table per query, and every tenant shares the tables: 100 tenants
 * take many minutes on 2 cores (README, "Fleet run").
 */
export const QUICK_FLEET = 10;

/**
 * The measured worker's heap limit by default: the Function App's
 * (infra/modules/functionapp.bicep sets half the instance memory, 2,048 MB
 * by default). Without it V8 sizes the heap from this machine's memory (4 GB
 * here) and lets garbage grow to match, which no instance would allow.
 */
export const FUNCTION_APP_HEAP_MB = 1024;

export const USAGE = `npm run bench -- [options]

  --quick                 about 10k users (everything scaled by 0.1)
  --users N               users in the generated tenant (default 100000; the rest scales with it)
  --latency-ms N          fixed latency of every simulated Graph request (default 50)
  --latency-per-object-ms F
                          plus this per object the answer returns (default 0), e.g. 0.05:
                          a 200-object page then takes 60 ms, a 999-object one 100 ms
  --table-latency-ms N    fake store only: latency added to every table request (default 0)
  --store fake|azurite    table writes: a counting fake transport (default) or in-process Azurite
                          with a real equality check (defaults to --quick size)
  --sizes N,N,...         only the "full" run at each size, each in a fresh process (RSS flatness)
  --runs a,b              subset of full,naive,delta,faults (each in a fresh process; delta
                          fills its store with an unreported full run first)
  --naive-groups N        groups whose members the naive baseline fetches, a stride sample in
                          list order (default 1,000; 200 with Azurite); its member phase is
                          extrapolated to all groups. --naive-groups 1000000 runs it whole
  --mutation-rate F       delta run: mutations as a share of users (default 0.001)
  --rate429 F --rate503 F --retry-after S
                          faults run: 0.1, 0.02 and 0.05 s by default
  --heap-limit-mb N       run the measured workers with --max-old-space-size=N (default 1024, the
                          Function App's: half its 2,048 MB instance); 0: Node's default for this machine
  --fleet N               the fleet run: N tenants of 50-500 users and a few large ones, one app
                          registration, all due in one timer tick of the local Functions host
                          (alone, or with --quick beside the other runs; --quick makes 10; 0: none)
  --fleet-timeout-s N     fleet run: stop waiting after N s and report what finished (default 3600)
  --throttle-budget on|off  fleet run: the shared throttling budget (default on, as in Azure)
  --sign-ins on|off       off: the bench tenant has no Entra ID P1/P2, so the sign-in list, which
                          Graph limits to 10 requests a minute (20 min at 100k users), is skipped
                          (default on)
  --seed N                directory and fault seed (default 7)
  --json                  the result as JSON on stdout (logs on stderr; use npm run -s, or npm
                          prints its own banner on stdout first)
  --json-out FILE         also write the JSON result to FILE (with the table on stdout)
`;

function num(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < min || n > max) throw new Error(`${name} needs a number from ${min} to ${max}, got ${v ?? "nothing"}`);
  return n;
}

export function parseArgs(argv: readonly string[]): BenchArgs | "help" {
  let users: number | undefined;
  let quick = false;
  let json = false;
  let jsonOut: string | null = null;
  let latencyMs = 50;
  let latencyPerObjectMs = 0;
  let tableLatencyMs = 0;
  let store: "fake" | "azurite" = "fake";
  let sizes: number[] | null = null;
  let runs: RunName[] = [...RUN_NAMES];
  let naiveGroups: number | null = null;
  let seed = 7;
  let rate429 = 0.1;
  let rate503 = 0.02;
  let retryAfterSeconds = 0.05;
  let mutationRate = 0.001;
  let heapLimitMb: number | null = FUNCTION_APP_HEAP_MB;
  let fleet: number | undefined;
  let throttleBudget = true;
  let signIns = true;
  let fleetTimeoutSeconds = 3600;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--quick":
        quick = true;
        break;
      case "--json":
        json = true;
        break;
      case "--json-out":
        jsonOut = value() ?? null;
        if (!jsonOut) throw new Error("--json-out needs a file name");
        break;
      case "--users":
        users = Math.round(num("--users", value(), 10, 2_000_000));
        break;
      case "--latency-ms":
        latencyMs = num("--latency-ms", value(), 0, 60_000);
        break;
      case "--latency-per-object-ms":
        latencyPerObjectMs = num("--latency-per-object-ms", value(), 0, 1_000);
        break;
      case "--table-latency-ms":
        tableLatencyMs = num("--table-latency-ms", value(), 0, 60_000);
        break;
      case "--store": {
        const v = value();
        if (v !== "fake" && v !== "azurite") throw new Error(`--store is fake or azurite, got ${v ?? "nothing"}`);
        store = v;
        break;
      }
      case "--sizes":
        sizes = (value() ?? "").split(",").filter(Boolean).map((s) => Math.round(num("--sizes", s, 10, 2_000_000)));
        if (!sizes.length) throw new Error("--sizes needs sizes, e.g. 10000,500000");
        break;
      case "--runs": {
        const list = (value() ?? "").split(",").filter(Boolean);
        for (const r of list) if (!RUN_NAMES.includes(r as RunName)) throw new Error(`unknown run ${r}`);
        runs = list as RunName[];
        break;
      }
      case "--naive-groups":
        naiveGroups = Math.round(num("--naive-groups", value(), 1, 1_000_000));
        break;
      case "--seed":
        seed = Math.round(num("--seed", value(), 0, 0xffff_ffff));
        break;
      case "--rate429":
        rate429 = num("--rate429", value(), 0, 1);
        break;
      case "--rate503":
        rate503 = num("--rate503", value(), 0, 1);
        break;
      case "--retry-after":
        retryAfterSeconds = num("--retry-after", value(), 0, 3600);
        break;
      case "--heap-limit-mb":
        heapLimitMb = Math.round(num("--heap-limit-mb", value(), 0, 65_536)) || null;
        if (heapLimitMb !== null && heapLimitMb < 16) throw new Error(`--heap-limit-mb needs 0 or a number from 16 to 65536, got ${heapLimitMb}`);
        break;
      case "--fleet":
        fleet = Math.round(num("--fleet", value(), 0, 100_000));
        break;
      case "--fleet-timeout-s":
        fleetTimeoutSeconds = num("--fleet-timeout-s", value(), 1, 86_400);
        break;
      case "--throttle-budget": {
        const v = value();
        if (v !== "on" && v !== "off") throw new Error(`--throttle-budget is on or off, got ${v ?? "nothing"}`);
        throttleBudget = v === "on";
        break;
      }
      case "--sign-ins": {
        const v = value();
        if (v !== "on" && v !== "off") throw new Error(`--sign-ins is on or off, got ${v ?? "nothing"}`);
        signIns = v === "on";
        break;
      }
      case "--mutation-rate":
        mutationRate = num("--mutation-rate", value(), 0, 1);
        break;
      default:
        throw new Error(`unknown option ${a}\n\n${USAGE}`);
    }
  }
  const defaultUsers = quick || store === "azurite" ? 10_000 : 100_000;
  const fleetOnly = fleet !== undefined && fleet > 0 && !quick;
  return { users: users ?? defaultUsers, quick, json, jsonOut, latencyMs, latencyPerObjectMs, tableLatencyMs, store, sizes, runs, naiveGroups, seed, rate429, rate503, retryAfterSeconds, mutationRate, heapLimitMb, fleet: fleet ?? (quick ? QUICK_FLEET : 0), fleetOnly, throttleBudget, signIns, fleetTimeoutSeconds };
}
