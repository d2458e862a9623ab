import { odata } from "@azure/data-tables";
import type { Json } from "../domain/graph-object.js";
import { textOf } from "../domain/text.js";
import type { Services } from "../services.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { isGraphError, provision, type Actor, type Outcome, type Refusal, type WriteContext } from "./execute.js";
import { generatePassword, INITIAL_PASSWORD_DAYS, initialPasswordSecret } from "./initial-password.js";
import { privilegedRefusal } from "./privileged.js";
import { putObject, removeObject } from "./store-write.js";

export interface NewUser {
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly mailNickname: string;
  readonly accountEnabled: boolean;
  readonly usageLocation?: string;
  readonly givenName?: string;
  readonly surname?: string;
  readonly jobTitle?: string;
  readonly department?: string;
  readonly employeeId?: string;
}

export interface CreatedUser {
  readonly userId: string;
  readonly userPrincipalName: string;
  /** The Key Vault secret that holds the initial password (never the password). */
  readonly passwordSecret: string;
}

/** The tenant's verified domains from /organization (organization.md: verifiedDomains); undefined when unreadable. */
async function verifiedDomains(ctx: WriteContext): Promise<string[] | undefined> {
  try {
    const org = (await ctx.client.api("/organization").select(["verifiedDomains"]).get()) as { value: Array<{ verifiedDomains?: Array<{ name: string }> }> };
    return org.value.flatMap((o) => o.verifiedDomains ?? []).map((d) => d.name.toLowerCase());
  } catch (err) {
    // Without Organization.Read.All the domain is left to Graph, whose refusal is mapped below.
    if (isGraphError(err, 403)) return undefined;
    throw err;
  }
}

/** A stored user with this UPN: found by the display name (the row's name), then compared. */
async function storedUserByUpn(services: Services, tenantId: string, u: NewUser): Promise<string | undefined> {
  for await (const row of services.objects(tenantId).list("users", odata`name eq ${u.displayName.toLowerCase().slice(0, 512)}`)) {
    if (textOf(row.data.userPrincipalName).toLowerCase() === u.userPrincipalName.toLowerCase()) return row.id;
  }
  return undefined;
}

const userTarget = (id: string) => `users/${id}`;

/**
 * POST /users (user-post-users.md). The initial password is generated here,
 * written to Key Vault before the call (so a retry reuses it) and sent only
 * to Graph; forceChangePasswordNextSignIn makes the user replace it.
 */
export function createUser(services: Services, tenant: TenantRecord, actor: Actor, u: NewUser): Promise<Outcome<CreatedUser>> {
  const secretName = initialPasswordSecret(tenant.id, u.userPrincipalName);
  return provision(services, tenant, actor, "createUser", userTarget(u.userPrincipalName.toLowerCase()), {
    async guard(ctx): Promise<Refusal | undefined> {
      const domain = u.userPrincipalName.slice(u.userPrincipalName.lastIndexOf("@") + 1).toLowerCase();
      const domains = await verifiedDomains(ctx);
      if (domains && !domains.includes(domain)) {
        return { status: 400, code: "DomainNotVerified", message: `The domain '${domain}' is not one of the tenant's verified domains (${domains.join(", ")}): a user principal name must use a verified domain.`, details: { verifiedDomains: domains } };
      }
      return undefined;
    },
    async write(ctx) {
      const existing = await storedUserByUpn(services, tenant.id, u);
      if (existing) return { changed: false, result: "alreadyExists", value: { userId: existing, userPrincipalName: u.userPrincipalName, passwordSecret: secretName } };
      const kept = await services.secrets.get(secretName);
      const password = kept?.value || generatePassword();
      if (!kept) await services.secrets.put(secretName, password, new Date(Date.now() + INITIAL_PASSWORD_DAYS * 86_400_000), "initial-password");
      let created: Record<string, Json>;
      try {
        created = (await ctx.client.api("/users").post({ ...u, passwordProfile: { forceChangePasswordNextSignIn: true, password } })) as Record<string, Json>;
      } catch (err) {
        if (!kept) await services.secrets.delete(secretName);
        throw err;
      }
      const userId = textOf(created.id);
      await putObject(services, tenant.id, "users", userId, created);
      return { changed: true, result: "created", value: { userId, userPrincipalName: textOf(created.userPrincipalName, u.userPrincipalName), passwordSecret: secretName } };
    },
    graphRefusal(err) {
      if (err.statusCode !== 400) return undefined;
      if (/same value for property userPrincipalName/i.test(err.message)) {
        return { status: 409, code: "UserPrincipalNameTaken", message: `Another directory object already uses the user principal name ${u.userPrincipalName}.`, details: { graphCode: err.code ?? "" } };
      }
      if (/verified domain/i.test(err.message)) return { status: 400, code: "DomainNotVerified", message: `Graph refused the user principal name: ${err.message}`, details: { graphCode: err.code ?? "" } };
      return undefined;
    },
  });
}

/** Shared guards of disable/enable and delete: a synced user, on-prem mastered, privileged. */
async function userGuard(ctx: WriteContext, userId: string, what: string): Promise<Refusal | undefined> {
  const user = await ctx.services.objects(ctx.tenant.id).get("users", userId);
  if (!user) return { status: 404, code: "NotFound", message: `User '${userId}' is not among the synced users.` };
  if (user.data.onPremisesSyncEnabled === true) {
    return { status: 409, code: "UserSyncedFromOnPremises", message: `This user is synced from on-premises Active Directory: ${what} the account there (Active Directory Users and Computers), and the next directory sync brings the change.` };
  }
  return privilegedRefusal(ctx.services, ctx.tenant.id, userId, ctx.grants, what);
}

/** PATCH /users/{id} with accountEnabled only (user-update.md: User.EnableDisableAccount.All suffices). */
export function setAccountEnabled(services: Services, tenant: TenantRecord, actor: Actor, userId: string, enabled: boolean): Promise<Outcome<{ userId: string; accountEnabled: boolean }>> {
  return provision(services, tenant, actor, "setAccountEnabled", userTarget(userId), {
    guard: (ctx) => userGuard(ctx, userId, enabled ? "enable" : "disable"),
    async write(ctx) {
      const before = await services.objects(tenant.id).get("users", userId);
      await ctx.client.api(`/users/${userId}`).patch({ accountEnabled: enabled });
      await putObject(services, tenant.id, "users", userId, { accountEnabled: enabled });
      const changed = before?.data.accountEnabled !== enabled;
      return { changed, result: changed ? (enabled ? "enabled" : "disabled") : enabled ? "alreadyEnabled" : "alreadyDisabled", value: { userId, accountEnabled: enabled } };
    },
  });
}

/** DELETE /users/{id} (user-delete.md): soft delete, restorable for 30 days; Graph's 404 means already deleted. */
export function deleteUser(services: Services, tenant: TenantRecord, actor: Actor, userId: string): Promise<Outcome<{ userId: string }>> {
  return provision(services, tenant, actor, "deleteUser", userTarget(userId), {
    async guard(ctx) {
      const r = await userGuard(ctx, userId, "delete");
      // Not (or no longer) in the store: Graph decides, and its 404 counts as done.
      return r?.code === "NotFound" ? undefined : r;
    },
    async write(ctx) {
      let changed = true;
      try {
        await ctx.client.api(`/users/${userId}`).delete();
      } catch (err) {
        if (!isGraphError(err, 404)) throw err;
        changed = false;
      }
      await removeObject(services, tenant.id, "users", userId, true);
      return { changed, result: changed ? "deleted" : "alreadyDeleted", value: { userId } };
    },
  });
}
