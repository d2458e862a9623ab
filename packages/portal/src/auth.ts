import { InteractionRequiredAuthError, PublicClientApplication, type AccountInfo } from "@azure/msal-browser";
import type { PortalConfig } from "./config.js";

/** Sign-in with MSAL: auth code with PKCE, the same code against real Entra and the simulated one. */
export class Auth {
  private constructor(
    private readonly msal: PublicClientApplication,
    private readonly scopes: string[],
    readonly account: AccountInfo | null,
  ) {}

  static async start(config: PortalConfig): Promise<Auth> {
    const msal = new PublicClientApplication({
      auth: {
        clientId: config.clientId,
        authority: config.authority,
        knownAuthorities: [...config.knownAuthorities],
        redirectUri: `${window.location.origin}/`,
        postLogoutRedirectUri: `${window.location.origin}/`,
      },
      cache: { cacheLocation: "sessionStorage" },
    });
    await msal.initialize();
    const result = await msal.handleRedirectPromise();
    const account = result?.account ?? msal.getActiveAccount() ?? msal.getAllAccounts()[0] ?? null;
    if (account) msal.setActiveAccount(account);
    return new Auth(msal, [...config.scopes], account);
  }

  signIn(): Promise<void> {
    return this.msal.loginRedirect({ scopes: this.scopes, prompt: "select_account" });
  }

  signOut(): Promise<void> {
    return this.msal.logoutRedirect({ account: this.account });
  }

  /** An access token for the API; a redirect to sign in again when none can be had silently. */
  async token(): Promise<string> {
    if (!this.account) throw new Error("Not signed in.");
    try {
      return (await this.msal.acquireTokenSilent({ scopes: this.scopes, account: this.account })).accessToken;
    } catch (err) {
      if (err instanceof InteractionRequiredAuthError) await this.msal.acquireTokenRedirect({ scopes: this.scopes, account: this.account });
      throw err;
    }
  }
}

/** The app roles in the API token: only to hide what the API would refuse anyway. */
export function rolesOf(token: string): string[] {
  try {
    const payload = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { roles?: unknown };
    return Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
  } catch {
    return [];
  }
}
