import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { sameIdentityCloud } from "../../config/clouds.js";
import { customerCredential } from "../../graph/credential.js";
import { cloudMismatch } from "../../services.js";
import { profileCloud, type CredentialProfile } from "../../store/credential-store.js";
import type { TenantRecord } from "../../store/tenant-store.js";
import { secretNameOf } from "../../tenants/create-tenant.js";
import { deleteProfileIfUnused, releaseProfile, reserveProfile } from "../../tenants/credential-use.js";
import type { credentialRefSchema, inlineCredentialSchema } from "../../tenants/schema.js";
import { testConnection } from "../../tenants/test-connection.js";
import { RequestError } from "../errors.js";
import type { ApiDeps } from "../route.js";

type CredentialInput = z.infer<typeof inlineCredentialSchema> | z.infer<typeof credentialRefSchema>;

/** What a PATCH's credential change did before the tenant row is saved: `commit` after it is saved, `undo` if it is not. */
export interface CredentialChange {
  readonly credentialId: string;
  commit(): Promise<void>;
  undo(): Promise<void>;
}

const noop = (): Promise<void> => Promise.resolve();

const failed = (message: string | undefined, report: unknown) => new RequestError(400, "ConnectionFailed", message ?? "The connection test failed.", report);

/** Tests the tenant's saved credential against `t`'s (new) endpoints: a PATCH that moves the endpoints saves nothing unless it passes. */
export async function retestEndpoints(deps: ApiDeps, t: TenantRecord, profile: CredentialProfile | undefined): Promise<void> {
  const secret = profile && (await deps.services.secrets.get(profile.secretName));
  if (!profile || !secret) throw new RequestError(409, "CredentialMissing", "The tenant's credential or its secret is missing; set a new credential with the endpoints.");
  const endpoints = deps.services.endpointsOf(t, profile);
  const report = await testConnection(customerCredential({ tenantId: t.id, clientId: profile.clientId, clientSecret: secret.value }, endpoints), endpoints, t.id);
  if (!report.ok) throw failed(report.error?.message, report);
}

/**
 * Tests the new credential against `t`'s endpoints, then stores it. A
 * profile another tenant uses (or is being added with) is never rewritten
 * or deleted through this tenant: a new inline secret then makes a new
 * inline profile. Only an inline profile of this tenant alone is rotated
 * in place (a new Key Vault version).
 */
export async function changeCredential(deps: ApiDeps, t: TenantRecord, old: CredentialProfile | undefined, input: CredentialInput): Promise<CredentialChange> {
  const { services } = deps;
  let clientId: string;
  let secret: string;
  let reserved: CredentialProfile | undefined;
  if ("credentialId" in input) {
    const id = input.credentialId.toLowerCase();
    const seen = await services.credentials.get(id);
    if (!seen) throw new RequestError(400, "CredentialNotFound", `Credential profile '${input.credentialId}' does not exist.`);
    if (!sameIdentityCloud(profileCloud(seen.value), t.cloud)) throw new RequestError(400, "CredentialCloudMismatch", cloudMismatch(profileCloud(seen.value), t.cloud));
    reserved = (await reserveProfile(services, id))?.value;
    const s = reserved && (await services.secrets.get(reserved.secretName));
    if (!reserved || !s) throw new RequestError(400, "CredentialNotFound", `Credential profile '${input.credentialId}' does not exist.`);
    clientId = reserved.clientId;
    secret = s.value;
  } else {
    clientId = input.clientId;
    secret = input.clientSecret;
  }
  const release = async (): Promise<void> => {
    if (reserved) await releaseProfile(services, reserved);
  };
  const endpoints = services.endpointsOf(t, reserved ?? { cloud: t.cloud });
  const report = await testConnection(customerCredential({ tenantId: t.id, clientId, clientSecret: secret }, endpoints), endpoints, t.id);
  if (!report.ok) {
    await release();
    throw failed(report.error?.message, report);
  }
  const at = new Date().toISOString();

  if (reserved) {
    const to = reserved.id;
    return {
      credentialId: to,
      // The old inline profile goes only once the tenant row no longer names it, and only if no one else uses it.
      async commit() {
        await release();
        if (old?.inline && old.id !== to) await deleteProfileIfUnused(services, old.id, t.id);
      },
      undo: release,
    };
  }

  const expires = new Date((input as z.infer<typeof inlineCredentialSchema>).secretExpiresOn).toISOString();
  const cur = old?.inline ? await services.credentials.get(old.id) : undefined;
  const reservedByAdd = cur?.value.reservedUntil ? Date.parse(cur.value.reservedUntil) > Date.now() : false;
  const others = cur ? (await services.tenants.usingCredential(cur.value.id)).filter((id) => id !== t.id) : [];
  if (cur && !reservedByAdd && others.length === 0) {
    const next: CredentialProfile = { ...cur.value, clientId, secretExpiresOn: expires, updatedAt: at, graphExpiresOn: null, expiryMismatch: false };
    // The row first, guarded by its ETag: an add that reserved it since the check makes this a conflict, not a rewrite of its profile.
    if ((await services.credentials.replace(next, cur.etag)) === false) throw new RequestError(409, "CredentialChanged", "The credential changed concurrently; retry.");
    await services.secrets.put(cur.value.secretName, secret, new Date(expires));
    return { credentialId: cur.value.id, commit: noop, undo: noop };
  }
  const id = randomUUID();
  const profile: CredentialProfile = {
    id,
    name: `${t.displayName} (inline)`,
    clientId,
    cloud: t.cloud,
    secretName: secretNameOf(id),
    secretExpiresOn: expires,
    inline: true,
    createdAt: at,
    updatedAt: at,
  };
  await services.secrets.put(profile.secretName, secret, new Date(expires));
  await services.credentials.create(profile);
  return {
    credentialId: id,
    commit: noop,
    async undo() {
      await services.credentials.delete(id);
      await services.secrets.delete(profile.secretName);
    },
  };
}
