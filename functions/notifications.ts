import functions from "@azure/functions";
import df from "durable-functions";
import { ACTIVITY_NOTIFY_START, DEBOUNCE_ORCHESTRATOR, notifyDebounceOrchestrator, notifyStartRun } from "../src/notifications/debounce.js";
import { notificationHandler } from "../src/notifications/http.js";
import { renewSubscriptions } from "../src/notifications/manager.js";
import { fromDurableClient } from "../src/orchestration/durable-client.js";
import { getServices } from "../src/services.js";
import type { SyncedType } from "../src/domain/synced.js";

// Continuous sync: Graph change notifications (src/notifications/).
functions.app.http("graphNotifications", {
  methods: ["POST"],
  route: "notifications/graph",
  // Graph cannot send our key or token (change-notifications-delivery-webhooks.md); clientState is the check.
  authLevel: "anonymous",
  extraInputs: [df.input.durableClient()],
  handler: (req, ctx) => notificationHandler(getServices(), df.getClient(ctx), req, ctx),
});

df.app.orchestration(DEBOUNCE_ORCHESTRATOR, notifyDebounceOrchestrator);
df.app.activity(ACTIVITY_NOTIFY_START, {
  extraInputs: [df.input.durableClient()],
  // The input is our own orchestrator's, serialized by Durable.
  handler: (input: unknown, ctx) => notifyStartRun(getServices(), fromDurableClient(df.getClient(ctx)), input as { tenantId: string; types: SyncedType[] }),
});

// Hourly: subscriptions renewed well before their 41,760 minutes run out, failed ones retried, stray ones deleted.
functions.app.timer("subscriptionRenewTimer", {
  schedule: "0 17 * * * *",
  handler: async (_timer, ctx) => {
    const services = getServices();
    await services.ready();
    await renewSubscriptions(services, (line) => ctx.log(line));
  },
});
