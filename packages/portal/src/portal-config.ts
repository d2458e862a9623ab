/** What /config.json carries: the API, and where to sign in (real Entra in Azure, the simulated one locally). */
export interface PortalConfig {
  readonly apiBaseUrl: string;
  readonly authority: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Hosts MSAL trusts without Microsoft's instance discovery (the simulated Entra locally). */
  readonly knownAuthorities: readonly string[];
}
