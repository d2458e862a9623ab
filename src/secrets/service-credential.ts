import { ClientSecretCredential, ManagedIdentityCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import type { ServiceIdentity } from "../config/config.js";

/** The service's own identity: managed identity in Azure, a client secret against the local simulated Entra. */
export function serviceCredential(identity: ServiceIdentity): TokenCredential {
  if (identity.kind === "clientSecret") {
    return new ClientSecretCredential(identity.tenantId, identity.clientId, identity.clientSecret, {
      authorityHost: identity.authorityHost,
      disableInstanceDiscovery: true,
    });
  }
  return identity.clientId ? new ManagedIdentityCredential({ clientId: identity.clientId }) : new ManagedIdentityCredential();
}
