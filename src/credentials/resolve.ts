import type { z } from "zod";
import { sameIdentityCloud, type Cloud } from "../config/clouds.js";
import type { Services } from "../services.js";
import { profileCloud, type CredentialProfile } from "../store/credential-store.js";
import type { credentialRefSchema, inlineCredentialSchema } from "../tenants/schema.js";
import { cloudMismatch } from "./endpoints.js";
import { releaseProfile, reserveProfile } from "./use.js";

export type InlineInput = z.infer<typeof inlineCredentialSchema>;
export type CredentialInput = InlineInput | z.infer<typeof credentialRefSchema>;

/** A credential ready to test: an inline one as given, or a profile reserved for this tenant with its secret. */
export type ResolvedCredential =
  | { readonly kind: "inline"; readonly clientId: string; readonly secret: string; readonly input: InlineInput }
  | { readonly kind: "profile"; readonly clientId: string; readonly secret: string; readonly profile: CredentialProfile };

export type ResolveFailure = { readonly kind: "credentialNotFound"; readonly credentialId: string } | { readonly kind: "credentialCloud"; readonly message: string };

/**
 * Resolves a tenant's credential input. A profile must exist and belong to
 * `cloud` (checked before the reservation or any request: its secret goes
 * to its own cloud only), and is then held against a concurrent
 * DELETE /credentials/{id} until the tenant row names it: give it back with
 * releaseResolved.
 */
export async function resolveCredential(services: Pick<Services, "credentials" | "secrets">, input: CredentialInput, cloud: Cloud, now = Date.now()): Promise<ResolvedCredential | ResolveFailure> {
  if (!("credentialId" in input)) return { kind: "inline", clientId: input.clientId, secret: input.clientSecret, input };
  const id = input.credentialId.toLowerCase();
  const seen = await services.credentials.get(id);
  if (!seen) return { kind: "credentialNotFound", credentialId: input.credentialId };
  if (!sameIdentityCloud(profileCloud(seen.value), cloud)) return { kind: "credentialCloud", message: cloudMismatch(profileCloud(seen.value), cloud) };
  const p = await reserveProfile(services, id, now);
  const s = p && (await services.secrets.get(p.value.secretName));
  if (!p || !s) return { kind: "credentialNotFound", credentialId: input.credentialId };
  return { kind: "profile", clientId: p.value.clientId, secret: s.value, profile: p.value };
}

/** Gives back the reservation resolveCredential took, if any. */
export async function releaseResolved(services: Pick<Services, "credentials">, r: ResolvedCredential): Promise<void> {
  if (r.kind === "profile") await releaseProfile(services, r.profile);
}
