import { ClientSecretCredential } from "@azure/identity";
import type { CloudEndpoints } from "../config/clouds.js";

export interface AppCredential {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A customer app's credential in its own cloud. Instance discovery is off so national and local authorities work alike. */
export function customerCredential(app: AppCredential, endpoints: CloudEndpoints): ClientSecretCredential {
  return new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: true,
  });
}
