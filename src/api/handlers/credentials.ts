import { z } from "zod";
import { cloudSchema } from "../../config/clouds.js";
import { testSecret } from "../../credentials/customer.js";
import { endpointsOf } from "../../credentials/endpoints.js";
import { newProfile, saveProfile, updateProfile } from "../../credentials/profile.js";
import { deleteProfileIfUnused } from "../../credentials/use.js";
import { isGuid, resolveTenantId } from "../../tenants/resolve-tenant.js";
import { endpointsSchema } from "../../domain/endpoints.js";
import { displayNameSchema, tenantRefSchema } from "../../tenants/schema.js";
import { checkEndpoints } from "../endpoint-check.js";
import { RequestError } from "../errors.js";
import { notFound } from "../tenant-param.js";
import { route, type ApiDeps } from "../route.js";
import { credentialView } from "../views.js";
import { apiBaseUrl } from "../public-url.js";

const expiry = z.iso.datetime({ offset: true }).or(z.iso.date());

const newProfileSchema = z
  .object({
    name: displayNameSchema,
    clientId: z.uuid(),
    clientSecret: z.string().min(1).max(1024),
    secretExpiresOn: expiry,
    /** The cloud the app is registered in (default global): its secret is sent to that cloud's hosts only. */
    cloud: cloudSchema.optional(),
  })
  .strict();

const patchProfileSchema = z
  .object({
    name: displayNameSchema.optional(),
    clientId: z.never({ error: "clientId cannot be changed; create another profile" }).optional(),
    clientSecret: z.string().min(1).max(1024).optional(),
    secretExpiresOn: expiry.optional(),
  })
  .strict()
  .refine((b) => (b.clientSecret === undefined) === (b.secretExpiresOn === undefined), { message: "a new clientSecret needs its secretExpiresOn, and the other way round", path: ["secretExpiresOn"] });

const connectionSchema = z
  .object({
    tenant: tenantRefSchema,
    cloud: cloudSchema,
    clientId: z.uuid(),
    clientSecret: z.string().min(1).max(1024),
    endpoints: endpointsSchema.optional(),
  })
  .strict();

async function loadProfile(deps: ApiDeps, id: string | undefined) {
  // Profile IDs are GUIDs; anything else cannot be one, and may not even be a valid table key.
  const p = id && isGuid(id) ? await deps.services.credentials.get(id.toLowerCase()) : undefined;
  if (!p) throw notFound(`Credential profile '${id ?? ""}'`);
  return p;
}

export const credentialRoutes = [
  route({
    name: "listCredentials",
    method: "GET",
    path: "credentials",
    access: "reader",
    summary: "List credential profiles (never their secrets)",
    responses: { 200: "The profiles" },
    async handler({ deps }) {
      const items = [];
      for await (const { value } of deps.services.credentials.list()) items.push(credentialView(value));
      return { status: 200, jsonBody: { items } };
    },
  }),
  route({
    name: "addCredential",
    method: "POST",
    path: "credentials",
    access: "admin",
    summary: "Add a credential profile; the secret is write-only and goes to Key Vault",
    body: newProfileSchema,
    responses: { 201: "Added", 400: "Bad input" },
    async handler({ deps, body, url }) {
      const p = newProfile({ name: body.name, clientId: body.clientId, cloud: body.cloud ?? "global", secretExpiresOn: body.secretExpiresOn, inline: false }, new Date().toISOString());
      await saveProfile(deps.services, p, body.clientSecret);
      return { status: 201, headers: { Location: `${apiBaseUrl(deps.services.config, url)}/credentials/${p.id}` }, jsonBody: credentialView(p) };
    },
  }),
  route({
    name: "getCredential",
    method: "GET",
    path: "credentials/{id}",
    access: "reader",
    summary: "Read a credential profile",
    responses: { 200: "The profile", 404: "No such profile" },
    async handler({ deps, params }) {
      const p = await loadProfile(deps, params.id);
      return { status: 200, jsonBody: { ...credentialView(p.value), tenants: await deps.services.tenants.usingCredential(p.value.id) } };
    },
  }),
  route({
    name: "updateCredential",
    method: "PATCH",
    path: "credentials/{id}",
    access: "admin",
    summary: "Rename, or rotate the secret (a new Key Vault version and a new expiry)",
    body: patchProfileSchema,
    responses: { 200: "Changed", 400: "Bad input", 404: "No such profile", 412: "Changed concurrently" },
    async handler({ deps, params, body }) {
      const cur = await loadProfile(deps, params.id);
      const secret = body.clientSecret !== undefined && body.secretExpiresOn !== undefined ? { value: body.clientSecret, expiresOn: body.secretExpiresOn } : undefined;
      const next = await updateProfile(deps.services, cur, { name: body.name, secret });
      if (next === false) throw new RequestError(412, "PreconditionFailed", "The profile changed concurrently; read it again and retry.");
      return { status: 200, jsonBody: credentialView(next) };
    },
  }),
  route({
    name: "deleteCredential",
    method: "DELETE",
    path: "credentials/{id}",
    access: "admin",
    summary: "Delete an unused credential profile and its secret",
    responses: { 204: "Deleted", 404: "No such profile", 409: "Tenants use it" },
    async handler({ deps, params }) {
      const p = await loadProfile(deps, params.id);
      // Conditional on the row's ETag: a tenant being added with this profile meanwhile wins, and this answers 409.
      const r = await deleteProfileIfUnused(deps.services, p.value.id);
      if (r.kind === "missing") throw notFound(`Credential profile '${p.value.id}'`);
      if (r.kind === "inUse") {
        const message = r.tenants.length > 0 ? `Tenants still use this profile: ${r.tenants.join(", ")}.` : "A tenant is being added with this profile; retry once that has finished.";
        throw new RequestError(409, "CredentialInUse", message, { tenants: r.tenants });
      }
      return { status: 204 };
    },
  }),
  route({
    name: "testConnection",
    method: "POST",
    path: "connections/test",
    access: "admin",
    summary: "Test credentials that are not saved yet",
    body: connectionSchema,
    responses: { 200: "The connection report (ok true or false)", 400: "Bad input" },
    async handler({ deps, body }) {
      checkEndpoints(deps.services, body.cloud, body.endpoints);
      const endpoints = endpointsOf(deps.services.config, { cloud: body.cloud, endpoints: body.endpoints ?? null });
      let tenantId = body.tenant.toLowerCase();
      if (!isGuid(body.tenant)) {
        const r = await resolveTenantId(endpoints.authorityHost, body.tenant);
        if ("error" in r) {
          return { status: 200, jsonBody: { ok: false, tenantId: null, tenantName: null, verifiedDomains: [], grantedPermissions: [], missingPermissions: [], canWriteMemberships: false, error: r.error } };
        }
        tenantId = r.tenantId;
      }
      const report = await testSecret(tenantId, body.clientId, body.clientSecret, endpoints);
      return { status: 200, jsonBody: report };
    },
  }),
];
