import df from "durable-functions";
import { getConfig } from "../config/config.js";
import { fromDurableClient } from "../orchestration/durable-client.js";
import { getServices } from "../services.js";
import { TokenValidator } from "./auth.js";
import { dispatch } from "./dispatch.js";
import type { RawHandler, Route } from "./route.js";

let validator: TokenValidator | undefined;

/** A route as the Functions host calls it, with the Durable client bound from the invocation. */
export function azureHandler(route: Route): RawHandler {
  return dispatch(
    route,
    (ctx) => ({ services: getServices(), orchestration: fromDurableClient(df.getClient(ctx)) }),
    () => (validator ??= new TokenValidator(getConfig().api)),
  );
}
