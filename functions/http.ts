import functions from "@azure/functions";
import { routes } from "../src/api/routes.js";
import { guarded } from "../src/api/respond.js";

for (const route of routes) {
  functions.app.http(route.name, {
    methods: [route.method],
    route: route.path,
    // Function keys are a second gate in Azure; the bearer token is the first.
    authLevel: route.access === "anonymous" ? "anonymous" : "function",
    handler: guarded(route),
  });
}
