import { cancelRun } from "../../orchestration/cancel-run.js";
import { RequestError } from "../errors.js";
import { route } from "../route.js";
import { loadTenant } from "../tenant-param.js";

export const cancelRoutes = [
  route({
    name: "syncCancel",
    method: "POST",
    path: "tenants/{id}/sync/cancel",
    access: "admin",
    summary: "Cancel the tenant's running sync: its orchestration is terminated and the run recorded as cancelled",
    responses: { 200: "Cancelled", 404: "No such tenant", 409: "No sync is running" },
    async handler({ deps, params }) {
      const { value: t } = await loadTenant(deps, params.id);
      const result = await cancelRun(deps.orchestration, deps.services, t.id);
      if (!result.cancelled) throw new RequestError(409, "SyncNotRunning", "No sync of this tenant is running.");
      return { status: 200, jsonBody: { runId: result.runId, status: "cancelled" } };
    },
  }),
];
