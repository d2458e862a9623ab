import functions from "@azure/functions";
import df from "durable-functions";
import { apiAuthLevel } from "../src/api/auth-level.js";
import { azureHandler } from "../src/api/azure-handler.js";
import { routes } from "../src/api/routes.js";

// HTTP streaming: the function reads the body as a stream from the host's forwarded request, so
// dispatch authenticates before reading and parse.ts stops at 64 KiB in Azure too, rather than
// the host buffering up to 100 MB first (functions-reference-node.md, "HTTP streams"; @azure/functions ≥ 4.3).
functions.app.setup({ enableHttpStream: true });

const authLevel = apiAuthLevel();
for (const route of routes) {
  functions.app.http(route.name, {
    methods: [route.method],
    route: route.path,
    // Function keys are a second gate in Azure (unless API_AUTH_LEVEL says anonymous); the bearer token is the first.
    authLevel: route.access === "anonymous" ? "anonymous" : authLevel,
    extraInputs: [df.input.durableClient()],
    handler: azureHandler(route),
  });
}
