import functions from "@azure/functions";
import df from "durable-functions";
import { azureHandler } from "../src/api/azure-handler.js";
import { routes } from "../src/api/routes.js";

for (const route of routes) {
  functions.app.http(route.name, {
    methods: [route.method],
    route: route.path,
    // Function keys are a second gate in Azure; the bearer token is the first.
    authLevel: route.access === "anonymous" ? "anonymous" : "function",
    extraInputs: [df.input.durableClient()],
    handler: azureHandler(route),
  });
}
