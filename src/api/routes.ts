import { accessRoutes } from "./handlers/access.js";
import { auditRoutes } from "./handlers/audits.js";
import { cancelRoutes } from "./handlers/cancel.js";
import { changeRoutes } from "./handlers/changes.js";
import { credentialRoutes } from "./handlers/credentials.js";
import { dataRoutes } from "./handlers/data.js";
import { historyRoutes } from "./handlers/history.js";
import { membershipRoutes } from "./handlers/memberships.js";
import { objectRoutes } from "./handlers/objects.js";
import { previewRoutes } from "./handlers/preview.js";
import { accountRoutes } from "./handlers/provisioning.js";
import { roleProvisioningRoutes } from "./handlers/provisioning-roles.js";
import { syncRoutes } from "./handlers/sync.js";
import { tenantRoutes } from "./handlers/tenants.js";
import { openApiDocument } from "./openapi.js";
import { route, type Route } from "./route.js";
import { apiBaseUrl } from "./public-url.js";

const metaRoutes: Route[] = [
  route({
    name: "health",
    method: "GET",
    path: "health",
    access: "anonymous",
    summary: "Health check",
    responses: { 200: "Healthy" },
    handler: () => Promise.resolve({ status: 200, jsonBody: { status: "ok" } }),
  }),
  route({
    name: "openapi",
    method: "GET",
    path: "openapi.json",
    access: "reader",
    summary: "This API's OpenAPI 3.1 description",
    responses: { 200: "The document" },
    handler: ({ deps, url }) => Promise.resolve({ status: 200, jsonBody: openApiDocument(routes, apiBaseUrl(deps.services.config, url)) }),
  }),
];

/** The one route table: functions/ registers it with app.http, and the local runtime serves it. */
export const routes: readonly Route[] = Object.freeze([
  ...metaRoutes,
  ...tenantRoutes,
  ...credentialRoutes,
  ...syncRoutes,
  ...cancelRoutes,
  ...historyRoutes,
  ...previewRoutes,
  ...dataRoutes,
  ...auditRoutes,
  ...membershipRoutes,
  ...accountRoutes,
  ...roleProvisioningRoutes,
  ...objectRoutes,
  ...accessRoutes,
  ...changeRoutes,
]);
