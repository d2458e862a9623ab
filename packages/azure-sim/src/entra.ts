import { randomUUID } from "node:crypto";
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWK, type CryptoKey } from "jose";
import { readBody, sendJson, type SimHandler, type TokenClaims, type TokenVerifier } from "./http.js";
import type { SimRegistry } from "./registry.js";
import { base64url, SpaSignIn, type UserGrant } from "./authorize.js";
import { SERVICE } from "./seed.js";

/** Resources whose tokens carry the service API's own app roles. */
const API_ROLE_PREFIX = "Sync.";
const TOKEN_TTL_SECONDS = 3599;

interface AadError {
  readonly status: number;
  readonly error: string;
  readonly code: number;
  readonly description: string;
}

function aadBody(e: AadError): Record<string, unknown> {
  const trace = randomUUID();
  const correlation = randomUUID();
  const ts = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${ts}`,
    error_codes: [e.code],
    timestamp: ts,
    trace_id: trace,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${e.code}`,
  };
}

const unknownTenant = (t: string): AadError => ({
  status: 400,
  error: "invalid_tenant",
  code: 90002,
  description: `Tenant '${t}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
});

export interface MintOptions {
  readonly tenantId: string;
  readonly audience: string;
  readonly appId: string;
  readonly roles: readonly string[];
  readonly ttlSeconds?: number;
  /** Only for tests of token validation: replace claims such as iss. */
  readonly overrides?: Record<string, unknown>;
}

/** The simulated Entra ID: discovery, JWKS, client-credentials tokens, and a verifier for the other simulated services. */
export class SimulatedEntra {
  /** Interactive sign-in of the service tenant's local accounts (auth code + PKCE, for the portal). */
  readonly spa = new SpaSignIn();

  private constructor(
    private readonly registry: SimRegistry,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly jwk: JWK,
    private authority = "",
  ) {}

  static async create(registry: SimRegistry): Promise<SimulatedEntra> {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), use: "sig", alg: "RS256" };
    return new SimulatedEntra(registry, privateKey, publicKey, jwk);
  }

  /** Set once the listener knows its port. */
  setAuthority(authorityHost: string): void {
    this.authority = authorityHost;
  }

  issuer(tenantId: string): string {
    return `${this.authority}/${tenantId}/v2.0`;
  }

  async mint(o: MintOptions): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const ttl = o.ttlSeconds ?? TOKEN_TTL_SECONDS;
    return new SignJWT({
      tid: o.tenantId,
      appid: o.appId,
      azp: o.appId,
      oid: o.appId,
      roles: [...o.roles],
      idtyp: "app",
      ver: "2.0",
      ...o.overrides,
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.jwk.kid ?? "" })
      .setIssuer(typeof o.overrides?.["iss"] === "string" ? o.overrides["iss"] : this.issuer(o.tenantId))
      .setAudience(o.audience)
      .setSubject(o.appId)
      .setIssuedAt(now)
      .setNotBefore(now - 300)
      .setExpirationTime(now + ttl)
      .sign(this.privateKey);
  }

  /** An access token and ID token for a signed-in local account (delegated: scp and the user's app roles). */
  private async userTokens(g: UserGrant): Promise<Record<string, unknown>> {
    const now = Math.floor(Date.now() / 1000);
    const scopes = g.scope.split(" ").filter(Boolean);
    const OIDC = new Set(["openid", "profile", "email", "offline_access"]);
    const resource = scopes.filter((s) => !OIDC.has(s));
    const first = resource[0] ?? "";
    const audience = first.includes("/") ? first.slice(0, first.lastIndexOf("/")) : first;
    const sign = (claims: Record<string, unknown>, aud: string) =>
      new SignJWT({ ...claims, ver: "2.0" })
        .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.jwk.kid ?? "" })
        .setIssuer(this.issuer(g.tenantId))
        .setAudience(aud)
        .setSubject(g.account.oid)
        .setIssuedAt(now)
        .setNotBefore(now - 300)
        .setExpirationTime(now + TOKEN_TTL_SECONDS)
        .sign(this.privateKey);
    const who = { tid: g.tenantId, oid: g.account.oid, name: g.account.name, preferred_username: g.account.username };
    const access_token = await sign(
      { ...who, azp: g.clientId, scp: resource.map((s) => s.slice(s.lastIndexOf("/") + 1)).join(" "), roles: [...g.account.roles] },
      audience,
    );
    const id_token = await sign({ ...who, ...(g.nonce ? { nonce: g.nonce } : {}) }, g.clientId);
    return {
      token_type: "Bearer",
      scope: resource.join(" "),
      expires_in: TOKEN_TTL_SECONDS,
      ext_expires_in: TOKEN_TTL_SECONDS,
      access_token,
      id_token,
      client_info: base64url(Buffer.from(JSON.stringify({ uid: g.account.oid, utid: g.tenantId }))),
    };
  }

  readonly verify: TokenVerifier = async (authorization, audiences) => {
    const m = /^Bearer (.+)$/i.exec(authorization ?? "");
    if (!m?.[1]) return null;
    try {
      const { payload } = await jwtVerify(m[1], this.publicKey, { audience: [...audiences] });
      if (typeof payload.tid !== "string" || payload.iss !== this.issuer(payload.tid)) return null;
      return payload as unknown as TokenClaims;
    } catch {
      return null;
    }
  };

  readonly handler: SimHandler = async (req, res, url) => {
    const parts = url.pathname.split("/").filter(Boolean);
    const [tenantPart, ...rest] = parts;
    if (!tenantPart) return false;
    const path = rest.join("/");

    if (req.method === "POST" && tenantPart === "_sim" && path === "tokens") {
      const body = JSON.parse(await readBody(req)) as MintOptions;
      sendJson(res, 200, { access_token: await this.mint(body) });
      return true;
    }
    // Browsers read discovery, keys and the token endpoint cross-origin (MSAL.js); Entra answers them with CORS.
    const cors = { "access-control-allow-origin": "*" };
    if (req.method === "OPTIONS" && (path === "oauth2/v2.0/token" || path.endsWith("openid-configuration") || path === "discovery/v2.0/keys")) {
      res.writeHead(204, { ...cors, "access-control-allow-methods": "GET, POST", "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "content-type", "access-control-max-age": "86400" });
      res.end();
      return true;
    }
    // Test control: register a SPA redirect URI on the portal's app registration.
    if (req.method === "POST" && tenantPart === "_sim" && path === "spa/redirects") {
      const body = JSON.parse(await readBody(req)) as { redirectUri: string };
      this.spa.registerRedirect(body.redirectUri);
      sendJson(res, 204, undefined);
      return true;
    }
    if (req.method === "GET" && path === "discovery/v2.0/keys") {
      sendJson(res, 200, { keys: [this.jwk] }, cors);
      return true;
    }

    const tenant = this.registry.find(tenantPart);
    if (req.method === "GET" && path === "v2.0/.well-known/openid-configuration") {
      if (!tenant) {
        sendJson(res, 400, aadBody(unknownTenant(tenantPart)), cors);
        return true;
      }
      const base = `${this.authority}/${tenant.tenantId}`;
      sendJson(res, 200, {
        issuer: this.issuer(tenant.tenantId),
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        tenant_region_scope: "NA",
        cloud_instance_name: new URL(this.authority).host,
      }, cors);
      return true;
    }

    // Only the service tenant has users (the local accounts) who sign in interactively.
    if (req.method === "GET" && path === "oauth2/v2.0/authorize") {
      if (tenant?.domain !== SERVICE.domain) {
        sendJson(res, 400, aadBody(tenant ? { status: 400, error: "invalid_request", code: 50034, description: "The user account does not exist in this directory." } : unknownTenant(tenantPart)));
        return true;
      }
      this.spa.authorize(res, url, tenant.tenantId);
      return true;
    }

    if (req.method === "POST" && path === "oauth2/v2.0/token") {
      const form = new URLSearchParams(await readBody(req));
      const origin = req.headers.origin;
      const result = await this.token(tenantPart, form, origin);
      const headers = origin ? cors : {};
      if (result.ok) sendJson(res, 200, result.body, headers);
      else sendJson(res, result.error.status, aadBody(result.error), headers);
      return true;
    }
    return false;
  };

  private async token(tenantPart: string, form: URLSearchParams, origin: string | undefined): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; error: AadError }> {
    const r = await this.tokenOrError(tenantPart, form, origin);
    return "access_token" in r ? { ok: true, body: r } : { ok: false, error: r };
  }

  private async tokenOrError(tenantPart: string, form: URLSearchParams, origin: string | undefined): Promise<AadError | { access_token: string } & Record<string, unknown>> {
    const tenant = this.registry.find(tenantPart);
    if (!tenant) return unknownTenant(tenantPart);
    if (form.get("grant_type") === "authorization_code") {
      const grant = this.spa.redeem(tenant.tenantId, form, origin);
      return "status" in grant ? grant : ((await this.userTokens(grant)) as { access_token: string } & Record<string, unknown>);
    }
    if (form.get("grant_type") !== "client_credentials") {
      return { status: 400, error: "unsupported_grant_type", code: 70003, description: "The app requested an unsupported grant type." };
    }
    // "prevents the use of client credentials in all flows in the presence of an Origin header" (v2-oauth2-auth-code-flow.md).
    if (origin) return { status: 400, error: "invalid_request", code: 9002326, description: "Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type." };
    const clientId = form.get("client_id") ?? "";
    const app = tenant.apps.get(clientId);
    if (!app) {
      return {
        status: 400,
        error: "unauthorized_client",
        code: 700016,
        description: `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      };
    }
    const presented = form.get("client_secret") ?? "";
    const secret = app.secrets.find((s) => s.secretText === presented);
    if (!secret) {
      return {
        status: 401,
        error: "invalid_client",
        code: 7000215,
        description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      };
    }
    if (Date.parse(secret.endDateTime) <= Date.now()) {
      return {
        status: 401,
        error: "invalid_client",
        code: 7000222,
        description: `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      };
    }
    const scope = form.get("scope") ?? "";
    if (!scope.endsWith("/.default")) {
      return { status: 400, error: "invalid_scope", code: 1002012, description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).` };
    }
    const audience = scope.slice(0, -"/.default".length);
    const forApi = audience.startsWith("api://");
    const roles = app.grantedPermissions.filter((p) => p.startsWith(API_ROLE_PREFIX) === forApi);
    const access_token = await this.mint({ tenantId: tenant.tenantId, audience, appId: clientId, roles });
    return { token_type: "Bearer", expires_in: TOKEN_TTL_SECONDS, ext_expires_in: TOKEN_TTL_SECONDS, access_token };
  }
}
