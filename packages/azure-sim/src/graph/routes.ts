import type { SimHandler } from "../http.js";
import { handleV1 } from "./api.js";
import { resolveContext, type GraphContext } from "./context.js";
import { handleControl } from "./control.js";

export type { GraphContext, GraphLogger, PageCaps } from "./context.js";
export { DELTA_PAGE_SIZE, GraphSimState, LIST_DEFAULT_TOP, LIST_MAX_TOP, MEMBER_LINKS_PER_PAGE } from "./context.js";
export { GRAPH_PERMISSIONS } from "./permissions.js";

function segments(pathname: string, prefix: string): string[] | undefined {
  if (!pathname.startsWith(`${prefix}/`)) return undefined;
  try {
    return pathname
      .slice(prefix.length + 1)
      .split("/")
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/**
 * The simulated Graph: `/v1.0/…` (authenticated, fault-injected, logged)
 * and the `/_sim/…` control routes (open, never faulted).
 */
export function createGraphHandler(ctx: GraphContext): SimHandler {
  const env = resolveContext(ctx);
  return async (req, res, url) => {
    const v1 = segments(url.pathname, "/v1.0");
    if (v1) {
      await handleV1(env, req, res, url, v1);
      return true;
    }
    const sim = segments(url.pathname, "/_sim");
    if (sim) return handleControl(env, req, res, url, sim);
    return false;
  };
}
