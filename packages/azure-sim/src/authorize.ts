import { createHash, randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";

/**
 * The simulated Entra's interactive sign-in for single-page apps: /authorize
 * with PKCE and the authorization_code grant, for the service tenant's local
 * accounts. Behaviour follows MicrosoftDocs/entra-docs,
 * docs/identity-platform/v2-oauth2-auth-code-flow.md, unless noted.
 */

/** A local user of the service tenant, with the API app role assigned to them. */
export interface LocalAccount {
  readonly oid: string;
  readonly name: string;
  readonly username: string;
  readonly roles: readonly string[];
}

/** Stable so that a browser's MSAL cache survives a restart of `npm start`. */
export const LOCAL_ACCOUNTS: readonly LocalAccount[] = Object.freeze([
  { oid: "5a1b0000-0000-4000-8000-00000000ad01", name: "Local Admin", username: "admin@entrasync-service.onmicrosoft.com", roles: ["Sync.Admin"] },
  { oid: "5a1b0000-0000-4000-8000-00000000ad02", name: "Local Reader", username: "reader@entrasync-service.onmicrosoft.com", roles: ["Sync.Reader"] },
]);

/** The portal's SPA app registration in the service tenant (its client ID). */
export const PORTAL_CLIENT_ID = "5a1b0000-0000-4000-8000-0000000005fa";

/** "Authorization codes are short lived. Typically, they expire after about 10 minutes." */
const CODE_TTL_MS = 10 * 60_000;

export interface AadFailure {
  readonly status: number;
  readonly error: string;
  readonly code: number;
  readonly description: string;
}

interface IssuedCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly scope: string;
  readonly nonce: string | null;
  readonly tenantId: string;
  readonly account: LocalAccount;
  readonly expiresAt: number;
}

/** What the token endpoint mints for a redeemed code. */
export interface UserGrant {
  readonly tenantId: string;
  readonly clientId: string;
  readonly account: LocalAccount;
  readonly scope: string;
  readonly nonce: string | null;
}

const fail = (status: number, error: string, code: number, description: string): AadFailure => ({ status, error, code, description });

export const base64url = (b: Buffer): string => b.toString("base64url");

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class SpaSignIn {
  private readonly redirects = new Map<string, Set<string>>([[PORTAL_CLIENT_ID, new Set()]]);
  private readonly codes = new Map<string, IssuedCode>();

  /** Adds a redirect URI of type "spa" to an app registration (the portal's by default). */
  registerRedirect(redirectUri: string, clientId = PORTAL_CLIENT_ID): void {
    const set = this.redirects.get(clientId) ?? new Set<string>();
    set.add(redirectUri);
    this.redirects.set(clientId, set);
  }

  isSpaClient(clientId: string): boolean {
    return this.redirects.has(clientId);
  }

  /** GET /{tenant}/oauth2/v2.0/authorize: the account picker, or a redirect with a code (login_hint) or an error. */
  authorize(res: ServerResponse, url: URL, tenantId: string): void {
    const q = url.searchParams;
    const clientId = q.get("client_id") ?? "";
    const redirectUri = q.get("redirect_uri") ?? "";
    const registered = this.redirects.get(clientId);
    // Errors before the redirect URI is trusted are shown on Entra's own page, never sent to it.
    if (!registered) return page(res, 400, `AADSTS700016: Application with identifier '${escapeHtml(clientId)}' was not found in the directory.`);
    if (!registered.has(redirectUri)) {
      return page(res, 400, `AADSTS50011: The redirect URI '${escapeHtml(redirectUri)}' specified in the request does not match the redirect URIs configured for the application '${escapeHtml(clientId)}'.`);
    }
    const mode = q.get("response_mode") ?? "query";
    const back = (params: Record<string, string>): void => {
      const state = q.get("state");
      const all = new URLSearchParams({ ...params, ...(state !== null ? { state } : {}) });
      res.writeHead(302, { location: `${redirectUri}${mode === "fragment" ? "#" : "?"}${all.toString()}` });
      res.end();
    };
    const error = (e: AadFailure): void => back({ error: e.error, error_description: `AADSTS${e.code}: ${e.description}` });
    if (!(q.get("response_type") ?? "").split(" ").includes("code")) return error(fail(400, "unsupported_response_type", 70005, "The provided value for the input parameter 'response_type' is not allowed for this request."));
    const challenge = q.get("code_challenge");
    // "required by the Microsoft identity platform for single page apps using the authorization code flow"; only S256 here.
    if (!challenge || q.get("code_challenge_method") !== "S256") {
      return error(fail(400, "invalid_request", 9002325, "Proof Key for Code Exchange is required for cross-origin authorization code redemption."));
    }
    const hint = (q.get("login_hint") ?? "").toLowerCase();
    const chosen = q.get("account_oid");
    const account = LOCAL_ACCOUNTS.find((a) => a.oid === chosen || (hint !== "" && a.username === hint));
    if (!account) {
      // prompt=none cannot show the picker: "login_required: Too many or no users found."
      if (q.get("prompt") === "none") return error(fail(400, "login_required", 50058, "A silent sign-in request was sent but no user is signed in."));
      return picker(res, url);
    }
    const code = base64url(randomBytes(32));
    this.codes.set(code, {
      clientId,
      redirectUri,
      challenge,
      scope: q.get("scope") ?? "",
      nonce: q.get("nonce"),
      tenantId,
      account,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    back({ code, client_info: base64url(Buffer.from(JSON.stringify({ uid: account.oid, utid: tenantId }))) });
  }

  /** The authorization_code grant: the code once, before it expires, for the client and redirect it was issued to, with the PKCE verifier. */
  redeem(tenantId: string, form: URLSearchParams, origin: string | undefined): UserGrant | AadFailure {
    const clientId = form.get("client_id") ?? "";
    const code = form.get("code") ?? "";
    const issued = this.codes.get(code);
    // Single use: the code is gone whatever the outcome ("AADSTS54005: OAuth2 Authorization code was already redeemed").
    this.codes.delete(code);
    if (!issued) return fail(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
    if (issued.expiresAt <= Date.now()) return fail(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
    if (issued.tenantId !== tenantId || issued.clientId !== clientId) return fail(400, "invalid_grant", 70000, "The provided grant was issued to a different client or tenant.");
    if (form.get("redirect_uri") !== issued.redirectUri) return fail(400, "invalid_grant", 70000, "The redirect URI in the request does not match the one the authorization code was issued for.");
    // A spa redirect URI is redeemed only cross-origin (the doc's "Redirect URIs for single-page apps (SPAs)").
    if (!origin) return fail(400, "invalid_request", 9002327, "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.");
    const verifier = form.get("code_verifier") ?? "";
    if (base64url(createHash("sha256").update(verifier).digest()) !== issued.challenge) {
      return fail(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
    }
    return { tenantId, clientId, account: issued.account, scope: issued.scope, nonce: issued.nonce };
  }
}

function page(res: ServerResponse, status: number, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in (simulated Entra ID)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}a.acct{display:block;padding:.75rem 1rem;margin:.5rem 0;border:1px solid #8a8886;border-radius:4px;color:inherit;text-decoration:none}a.acct:focus,a.acct:hover{outline:2px solid #0f6cbd;background:#f3f2f1}</style>
</head><body>${body}</body></html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html).toString() });
  res.end(html);
}

/** "show the account picker if there are multiple users": one link per local account, no typing. */
function picker(res: ServerResponse, url: URL): void {
  const links = LOCAL_ACCOUNTS.map((a) => {
    const next = new URL(url);
    next.searchParams.set("account_oid", a.oid);
    return `<li><a class="acct" href="${escapeHtml(next.pathname + next.search)}"><strong>${escapeHtml(a.name)}</strong><br>${escapeHtml(a.username)} (${escapeHtml(a.roles.join(", "))})</a></li>`;
  }).join("");
  page(res, 200, `<main><h1>Pick an account</h1><p>Simulated Entra ID: local accounts of the service tenant.</p><ul style="list-style:none;padding:0">${links}</ul></main>`);
}
