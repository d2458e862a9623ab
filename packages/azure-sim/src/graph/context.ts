import { randomUUID } from "node:crypto";
import type { TokenVerifier } from "../http.js";
import type { SimRegistry } from "../registry.js";
import { BehaviourStore } from "./behaviours.js";
import { FaultInjector } from "./faults.js";
import { DEFAULT_REQUEST_LOG_CAPACITY, RequestLog } from "./requestLog.js";
import { ThrottleBudget } from "./throttle-budget.js";
import { TokenEpochs } from "./tokenEpochs.js";

/** Page size is undocumented; a Microsoft Q&A answer gives about 200 objects per delta page… */
export const DELTA_PAGE_SIZE = 200;
/** …and 500 member links per page. */
export const MEMBER_LINKS_PER_PAGE = 500;
export const LIST_DEFAULT_TOP = 100;
export const LIST_MAX_TOP = 999;

export interface PageCaps {
  readonly deltaObjects: number;
  readonly deltaLinks: number;
  readonly listDefaultTop: number;
  readonly listMaxTop: number;
}

export const DEFAULT_PAGE_CAPS: PageCaps = Object.freeze({
  deltaObjects: DELTA_PAGE_SIZE,
  deltaLinks: MEMBER_LINKS_PER_PAGE,
  listDefaultTop: LIST_DEFAULT_TOP,
  listMaxTop: LIST_MAX_TOP,
});

export interface GraphLogger {
  (message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export interface GraphContext {
  readonly registry: SimRegistry;
  readonly verify: TokenVerifier;
  /** Origin the server answers on; links are built on it. */
  readonly baseUrl: string;
  readonly log?: GraphLogger;
  /** The sim clock for token ages (default Date.now). */
  readonly now?: () => number;
  /** Smaller caps make paging testable with small tenants. */
  readonly pageCaps?: Partial<PageCaps>;
  readonly requestLogCapacity?: number;
  /** Pass one to reach faults, the request log and token epochs from outside HTTP. */
  readonly state?: GraphSimState;
}

/** Mutable server state besides the directories. */
export class GraphSimState {
  readonly faults = new FaultInjector();
  readonly behaviours = new BehaviourStore();
  readonly tokens = new TokenEpochs();
  /** Graph's resource-unit budgets per app and per app+tenant (throttle-budget.ts). */
  readonly budget = new ThrottleBudget();
  readonly requests: RequestLog;
  /** Sealed into tokens: a restarted simulator does not know an old process's sync state. */
  readonly instance = randomUUID().slice(0, 8);

  constructor(requestLogCapacity = DEFAULT_REQUEST_LOG_CAPACITY) {
    this.requests = new RequestLog(requestLogCapacity);
  }
}

/** GraphContext with defaults filled in, as the route modules use it. */
export interface GraphEnv {
  readonly registry: SimRegistry;
  readonly verify: TokenVerifier;
  readonly baseUrl: string;
  readonly log: GraphLogger;
  readonly now: () => number;
  readonly caps: PageCaps;
  readonly state: GraphSimState;
}

export function resolveContext(ctx: GraphContext): GraphEnv {
  const caps = { ...DEFAULT_PAGE_CAPS, ...ctx.pageCaps };
  if (caps.deltaObjects < 1 || caps.deltaLinks < 1 || caps.listDefaultTop < 1 || caps.listMaxTop < caps.listDefaultTop) {
    throw new Error(`bad page caps ${JSON.stringify(caps)}`);
  }
  return {
    registry: ctx.registry,
    verify: ctx.verify,
    baseUrl: ctx.baseUrl.replace(/\/+$/, ""),
    log: ctx.log ?? (() => {}),
    now: ctx.now ?? Date.now,
    caps,
    state: ctx.state ?? new GraphSimState(ctx.requestLogCapacity),
  };
}
