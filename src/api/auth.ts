import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { Config } from "../config/config.js";
import { RequestError } from "./errors.js";
import type { Access } from "./route.js";

export const ROLE_ADMIN = "Sync.Admin";
export const ROLE_READER = "Sync.Reader";

export interface Principal {
  /** The caller's app or user object ID, for audit. */
  readonly id: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
  readonly name: string | null;
}

/** AccessTokenLifetime is at most 1 day (Microsoft identity platform, "Configurable token lifetimes"). */
export const MAX_TOKEN_AGE_SECONDS = 24 * 3600;
const CLOCK_TOLERANCE_SECONDS = 60;

const unauthorized = (message: string) =>
  new RequestError(401, "Unauthorized", message, undefined, { "WWW-Authenticate": 'Bearer error="invalid_token"' });

/** Validates Entra bearer tokens for the service's API: signature (JWKS), issuer, audience and expiry. */
export class TokenValidator {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly api: Config["api"]) {
    this.keys = createRemoteJWKSet(new URL(api.jwksUri));
  }

  async principal(authorization: string | null): Promise<Principal> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!m?.[1]) throw unauthorized("A bearer token for the API is required.");
    try {
      const { payload } = await jwtVerify(m[1], this.keys, {
        issuer: this.api.issuer,
        // v2 tokens carry the API's client ID; v1 tokens its App ID URI (Microsoft identity platform, "Access token claims reference").
        audience: [...this.api.audience],
        algorithms: ["RS256"],
        // exp and iat are required (nbf is checked where present); none lives longer than Entra's longest configurable access token lifetime.
        requiredClaims: ["exp", "iat"],
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
      const id = typeof payload.oid === "string" ? payload.oid : typeof payload.appid === "string" ? payload.appid : String(payload.sub ?? "unknown");
      const name = typeof payload.name === "string" ? payload.name : typeof payload.preferred_username === "string" ? payload.preferred_username : null;
      return { id, tenantId: typeof payload.tid === "string" ? payload.tid : "", roles, name };
    } catch {
      // The reason (expired, wrong audience, bad signature) is for the server log, not the caller.
      throw unauthorized("The bearer token is invalid or expired.");
    }
  }
}

export function authorize(principal: Principal, access: Access): void {
  if (access === "anonymous") return;
  const admin = principal.roles.includes(ROLE_ADMIN);
  const reader = admin || principal.roles.includes(ROLE_READER);
  if (access === "admin" && !admin) throw new RequestError(403, "Forbidden", `This operation needs the ${ROLE_ADMIN} app role.`);
  if (access === "reader" && !reader) throw new RequestError(403, "Forbidden", `This operation needs the ${ROLE_READER} or ${ROLE_ADMIN} app role.`);
}
