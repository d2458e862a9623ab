import functions from "@azure/functions";
import { checkCredentialExpiry } from "../src/monitoring/expiry-monitor.js";
import { getServices } from "../src/services.js";

// Daily at 06:00 UTC: one EntraSync.CredentialExpiry event per credential profile.
functions.app.timer("credentialExpiryTimer", {
  schedule: "0 0 6 * * *",
  handler: async (_timer, ctx) => {
    await checkCredentialExpiry(getServices(), (line) => ctx.log(line));
  },
});
