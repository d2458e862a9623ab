import { z } from "zod";
import type { CredentialProfile } from "../../store/credential-store.js";
import type { TenantRecord } from "../../store/tenant-store.js";
import { testSavedCredential } from "../../credentials/customer.js";
import { CredentialUnavailable } from "../../credentials/endpoints.js";
import { createTenant } from "../../tenants/create-tenant.js";
import { eraseTenant } from "../../tenants/erase-tenant.js";
import { patchTenantSchema, updateTenant } from "../../tenants/update-tenant.js";
import { newTenantSchema } from "../../tenants/schema.js";
import { endpointRefused } from "../endpoint-check.js";
import { RequestError } from "../errors.js";
import { decodeToken, encodeToken, pageSizeQuery } from "../paging.js";
import { route, type ApiDeps } from "../route.js";
import { checkIfMatch, loadTenant } from "../tenant-param.js";
import { tenantView } from "../views.js";
import { apiBaseUrl } from "../public-url.js";
import { reconcileSubscriptions } from "../../notifications/manager.js";
import { subscriptionsView } from "../../notifications/view.js";

const listQuery = z.object({ pageSize: pageSizeQuery(1000, 100), continuationToken: z.string().max(2048).optional() }).strict();

async function profileOf(deps: ApiDeps, id: string): Promise<CredentialProfile | undefined> {
  return (await deps.services.credentials.get(id))?.value;
}

async function withView(deps: ApiDeps, t: TenantRecord) {
  return tenantView(t, await profileOf(deps, t.credentialId));
}

export const tenantRoutes = [
  route({
    name: "listTenants",
    method: "GET",
    path: "tenants",
    access: "reader",
    summary: "List tenants",
    query: listQuery,
    responses: { 200: "A page of tenants" },
    async handler({ deps, query }) {
      const after = decodeToken(query.continuationToken, z.object({ after: z.string() }));
      const all = [];
      for await (const { value } of deps.services.tenants.list()) if (!after || value.id > after.after) all.push(value);
      all.sort((a, b) => a.id.localeCompare(b.id));
      const page = all.slice(0, query.pageSize);
      const items = await Promise.all(page.map((t) => withView(deps, t)));
      const last = page[page.length - 1];
      return { status: 200, jsonBody: { items, ...(all.length > page.length && last ? { continuationToken: encodeToken({ after: last.id }) } : {}) } };
    },
  }),
  route({
    name: "addTenant",
    method: "POST",
    path: "tenants",
    access: "admin",
    summary: "Add a tenant; the connection is tested before anything is saved",
    body: newTenantSchema,
    responses: { 201: "Added", 400: "Bad input, an endpoint override the policy refuses, a profile of another cloud, or the connection test failed (the report is in details)", 409: "The tenant exists already" },
    async handler({ deps, body, url }) {
      const r = await createTenant(deps.services, body);
      switch (r.kind) {
        case "created":
          // Continuous sync: its Graph subscriptions; a refusal is recorded on them, not a failed add.
          await reconcileSubscriptions(deps.services, r.tenant);
          return {
            status: 201,
            headers: { Location: `${apiBaseUrl(deps.services.config, url)}/tenants/${r.tenant.id}` },
            jsonBody: { ...(await withView(deps, r.tenant)), connection: r.report },
          };
        case "exists":
          throw new RequestError(409, "TenantExists", `Tenant ${r.tenantId} is already a source; each tenant can be added once.`);
        case "credentialNotFound":
          throw new RequestError(400, "CredentialNotFound", `Credential profile '${r.credentialId}' does not exist.`);
        case "credentialCloud":
          throw new RequestError(400, "CredentialCloudMismatch", r.message);
        case "endpointRefused":
          throw endpointRefused(r.problems);
        case "tenantNotFound":
          throw new RequestError(400, "TenantNotFound", r.error.message, { error: r.error });
        case "connectionFailed":
          throw new RequestError(400, "ConnectionFailed", r.report.error?.message ?? "The connection test failed.", r.report);
      }
    },
  }),
  route({
    name: "getTenant",
    method: "GET",
    path: "tenants/{id}",
    access: "reader",
    summary: "Read one tenant",
    responses: { 200: "The tenant, with its ETag", 404: "No such tenant" },
    async handler({ deps, params }) {
      const t = await loadTenant(deps, params.id);
      return { status: 200, headers: { ETag: t.etag }, jsonBody: { ...(await withView(deps, t.value)), subscriptions: await subscriptionsView(deps.services, t.value) } };
    },
  }),
  route({
    name: "updateTenant",
    method: "PATCH",
    path: "tenants/{id}",
    access: "admin",
    summary: "Change a tenant's settings (If-Match honoured); tenant and cloud are immutable",
    body: patchTenantSchema,
    responses: { 200: "Changed", 400: "Bad input, a refused endpoint override, or the new endpoints or credential failed the connection test (nothing saved)", 404: "No such tenant", 409: "The tenant is being deleted, or its saved credential cannot be used with the new endpoints", 412: "If-Match does not match" },
    async handler({ deps, params, body, headers }) {
      const cur = await loadTenant(deps, params.id);
      checkIfMatch(headers, cur.etag);
      const r = await updateTenant(deps.services, cur, body);
      switch (r.kind) {
        case "updated":
          // Turned continuous, off, disabled or enabled: its Graph subscriptions follow.
          await reconcileSubscriptions(deps.services, r.tenant);
          return { status: 200, headers: { ETag: r.etag }, jsonBody: await withView(deps, r.tenant) };
        case "deleting":
          throw new RequestError(409, "TenantDeleting", "The tenant is being deleted.");
        case "endpointRefused":
          throw endpointRefused(r.problems);
        case "credentialMissing":
          throw new RequestError(409, "CredentialMissing", "The tenant's credential or its secret is missing; set a new credential with the endpoints.");
        case "credentialUnusable":
          throw new RequestError(409, "CredentialUnusable", r.message);
        case "credentialNotFound":
          throw new RequestError(400, "CredentialNotFound", `Credential profile '${r.credentialId}' does not exist.`);
        case "credentialCloud":
          throw new RequestError(400, "CredentialCloudMismatch", r.message);
        case "connectionFailed":
          throw new RequestError(400, "ConnectionFailed", r.report.error?.message ?? "The connection test failed.", r.report);
        case "conflict":
          throw new RequestError(409, "CredentialChanged", "The credential changed concurrently; retry.");
        case "changed":
          throw new RequestError(412, "PreconditionFailed", "The tenant changed while it was being updated. Read it again and retry.");
      }
    },
  }),
  route({
    name: "deleteTenant",
    method: "DELETE",
    path: "tenants/{id}",
    access: "admin",
    summary: "Erase everything of a tenant: its rows in every table, its orchestration history, and its Key Vault secret unless other tenants share that credential",
    responses: { 204: "Erased", 404: "No such tenant", 409: "A sync is running or starting" },
    async handler({ deps, params }) {
      const cur = await loadTenant(deps, params.id);
      // Its Graph subscriptions go first, while its credential still exists; back if the erase does not happen.
      await reconcileSubscriptions(deps.services, { ...cur.value, enabled: false });
      const outcome = await eraseTenant(deps.services, deps.orchestration, cur);
      if (outcome !== "erased") await reconcileSubscriptions(deps.services, cur.value);
      if (outcome === "running") throw new RequestError(409, "SyncRunning", "A sync of this tenant is running or starting; delete it once the sync has ended.");
      if (outcome === "changed") throw new RequestError(409, "TenantChanged", "The tenant changed while it was being deleted (a sync may be starting); retry.");
      return { status: 204 };
    },
  }),
  route({
    name: "testTenant",
    method: "POST",
    path: "tenants/{id}/test",
    access: "admin",
    summary: "Test the saved credentials",
    responses: { 200: "The connection report (ok true or false)", 404: "No such tenant", 409: "The credential is missing, or the saved endpoints or its cloud may not be used" },
    async handler({ deps, params }) {
      const { value: t } = await loadTenant(deps, params.id);
      let report;
      try {
        report = await testSavedCredential(deps.services, t, await profileOf(deps, t.credentialId));
      } catch (err) {
        if (err instanceof CredentialUnavailable) throw new RequestError(409, "CredentialUnusable", err.message);
        throw err;
      }
      if (!report) throw new RequestError(409, "CredentialMissing", "The tenant's credential or its secret is missing; set a new credential.");
      return { status: 200, jsonBody: report };
    },
  }),
];
