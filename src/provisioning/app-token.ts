import { decodeJwt } from "jose";
import { graphScope } from "../config/clouds.js";
import { customerCredentialOf } from "../credentials/customer.js";
import { endpointsOf } from "../credentials/endpoints.js";
import type { Services } from "../services.js";
import type { TenantRecord } from "../store/tenant-store.js";

/** What the customer app's Graph token grants: application permissions (`roles`) and directory roles (`wids`). */
export interface AppGrants {
  readonly roles: ReadonlySet<string>;
  /** Template IDs of the directory roles the app's service principal holds (access-token-claims-reference.md, `wids`). */
  readonly wids: ReadonlySet<string>;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** Reads the grants from a fresh token of the tenant's app: decided before any Graph write. */
export async function appGrants(services: Services, tenant: TenantRecord): Promise<AppGrants> {
  const credential = await customerCredentialOf(services, tenant);
  const token = await credential.getToken(graphScope(endpointsOf(services.config, tenant)));
  const claims = token ? decodeJwt(token.token) : {};
  return { roles: new Set(strings(claims.roles)), wids: new Set(strings(claims.wids)) };
}
