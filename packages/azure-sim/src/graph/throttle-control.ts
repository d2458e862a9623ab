import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http.js";
import { body } from "./controlBody.js";
import type { GraphEnv } from "./context.js";
import { throttleInputSchema } from "./throttle-budget.js";

/**
 * PUT /_sim/throttle `{ appId?, enabled?, appRu?, appWindowSeconds?,
 * tenantRu?: { small?, medium?, large? }, tenantWindowSeconds? }` sets the
 * budgets (omitted fields: the documented ones; with `appId`, for that app
 * only, so a test's small window touches no other test's app); GET
 * `?appId=` reads them. Every set clears the usage counted so far.
 */
export async function throttleControl(env: GraphEnv, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method === "PUT") {
    const input = await body(req, throttleInputSchema);
    const limits = env.state.budget.set(input);
    env.log("graph sim: throttle limits set", { appId: input.appId ?? "*", ...limits });
    return sendJson(res, 200, limits);
  }
  sendJson(res, 200, env.state.budget.limitsFor(url.searchParams.get("appId") ?? undefined));
}
