import functions from "@azure/functions";
import df from "durable-functions";
import { fromDurableClient } from "../src/orchestration/durable-client.js";
import { ACTIVITIES, ORCHESTRATORS } from "../src/orchestration/registry.js";
import { onSyncTimer } from "../src/orchestration/timer.js";

for (const [name, handler] of Object.entries(ORCHESTRATORS)) df.app.orchestration(name, handler);
for (const [name, handler] of Object.entries(ACTIVITIES)) df.app.activity(name, { handler });

functions.app.timer("syncTimer", {
  schedule: "%SYNC_TIMER_SCHEDULE%",
  extraInputs: [df.input.durableClient()],
  handler: (_timer, ctx) => onSyncTimer(fromDurableClient(df.getClient(ctx)), (msg) => ctx.error(msg)),
});
