import { z } from "zod";
import { createUser, deleteUser, setAccountEnabled } from "../../provisioning/accounts.js";
import { isInitialPasswordSecret } from "../../provisioning/initial-password.js";
import { assignLicences } from "../../provisioning/licences.js";
import { RequestError } from "../errors.js";
import { route } from "../route.js";
import { loadTenant } from "../tenant-param.js";
import { actorOf, answer, guidParam, guidField as guid } from "./provisioning-answer.js";

const text = (max: number) => z.string().trim().min(1).max(max);

// user-post-users.md: required accountEnabled, displayName, mailNickname, userPrincipalName (passwordProfile is generated here).
const newUserBody = z
  .object({
    userPrincipalName: z.string().max(113).regex(/^[^@\s]{1,64}@[A-Za-z0-9.-]{1,48}$/, "expected alias@domain"),
    displayName: text(256),
    mailNickname: z.string().max(64).regex(/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/, "letters, digits and the mail-safe symbols only"),
    accountEnabled: z.boolean(),
    usageLocation: z.string().regex(/^[A-Z]{2}$/, "ISO 3166 two-letter country code").optional(),
    givenName: text(64).optional(),
    surname: text(64).optional(),
    jobTitle: text(128).optional(),
    department: text(64).optional(),
    employeeId: text(16).optional(),
  })
  .strict();

const accountBody = z.object({ accountEnabled: z.boolean() }).strict();

const licenceBody = z
  .object({
    addLicenses: z.array(z.object({ skuId: guid, disabledPlans: z.array(guid).max(100).default([]) }).strict()).max(50).default([]),
    removeLicenses: z.array(guid).max(50).default([]),
  })
  .strict()
  .refine((b) => b.addLicenses.length + b.removeLicenses.length > 0, "addLicenses or removeLicenses must name a SKU");

export const accountRoutes = [
  route({
    name: "createUser",
    method: "POST",
    path: "tenants/{id}/users",
    access: "admin",
    summary: "Create a user through Graph; the generated initial password goes to Key Vault only (its secret name is returned)",
    body: newUserBody,
    responses: { 201: "Created", 200: "The user already exists (same UPN): nothing changed", 400: "Invalid input, or a UPN domain the tenant has not verified", 403: "The app lacks User.ReadWrite.All", 404: "No such tenant", 409: "The UPN is taken by another object" },
    async handler(req) {
      const { value: t } = await loadTenant(req.deps, req.params.id);
      return answer(await createUser(req.deps.services, t, actorOf(req), req.body), 201);
    },
  }),
  route({
    name: "setAccountEnabled",
    method: "PATCH",
    path: "tenants/{id}/users/{userId}",
    access: "admin",
    summary: "Enable or disable a user's account (accountEnabled only)",
    body: accountBody,
    responses: { 200: "Done (or already so)", 400: "Invalid input", 403: "The app lacks User.EnableDisableAccount.All, or the user holds a privileged role", 404: "No such tenant or synced user", 409: "The user is mastered on-premises" },
    async handler(req) {
      const { value: t } = await loadTenant(req.deps, req.params.id);
      return answer(await setAccountEnabled(req.deps.services, t, actorOf(req), guidParam(req, "userId"), req.body.accountEnabled));
    },
  }),
  route({
    name: "deleteUser",
    method: "DELETE",
    path: "tenants/{id}/users/{userId}",
    access: "admin",
    summary: "Soft-delete a user (restorable for 30 days in Entra)",
    responses: { 200: "Deleted (or already gone)", 400: "Invalid input", 403: "The app lacks User.DeleteRestore.All, or the user holds a privileged role", 404: "No such tenant", 409: "The user is mastered on-premises" },
    async handler(req) {
      const { value: t } = await loadTenant(req.deps, req.params.id);
      return answer(await deleteUser(req.deps.services, t, actorOf(req), guidParam(req, "userId")));
    },
  }),
  route({
    name: "readInitialPassword",
    method: "POST",
    path: "tenants/{id}/initial-passwords/{secretName}/read",
    access: "admin",
    summary: "Read a new user's initial password once: it is deleted from Key Vault as it is returned; audited",
    responses: { 200: "The password (this once)", 404: "No such tenant or secret, or it was read already" },
    async handler(req) {
      const { value: t } = await loadTenant(req.deps, req.params.id);
      const name = req.params.secretName ?? "";
      const services = req.deps.services;
      const record = (result: string) =>
        services.audit.add({ at: new Date().toISOString(), tenantId: t.id, actorId: actorOf(req).id, actorName: actorOf(req).name, action: "readInitialPassword", groupId: "", memberId: "", target: `secrets/${name}`, result });
      const secret = isInitialPasswordSecret(t.id, name) ? await services.secrets.get(name) : undefined;
      if (!secret) {
        await record("refused:NotFound");
        throw new RequestError(404, "NotFound", "No unread initial password under that name: it was read already, expired, or never existed.");
      }
      await services.secrets.delete(name);
      await record("read");
      return { status: 200, jsonBody: { secretName: name, password: secret.value }, headers: { "cache-control": "no-store" } };
    },
  }),
  route({
    name: "assignLicences",
    method: "POST",
    path: "tenants/{id}/users/{userId}/licences",
    access: "admin",
    summary: "Add or remove licences (SKUs, with disabled plans) on a user through assignLicense",
    body: licenceBody,
    responses: { 200: "Done (or already so)", 400: "Invalid input or an unknown SKU", 403: "The app lacks LicenseAssignment.ReadWrite.All", 404: "No such tenant or synced user", 409: "No free units, or the user has no usage location" },
    async handler(req) {
      const { value: t } = await loadTenant(req.deps, req.params.id);
      return answer(await assignLicences(req.deps.services, t, actorOf(req), guidParam(req, "userId"), req.body));
    },
  }),
];
