/** The smallest valid settings for parseConfig, with no Azure behind them. */
export const base = {
  AzureWebJobsStorage__tableServiceUri: "https://acct.table.core.windows.net",
  KEY_VAULT_URL: "https://kv.vault.azure.net/",
  API_AUDIENCE: "api://entra-sync",
  API_ISSUER: "https://login.microsoftonline.com/tid/v2.0",
  API_JWKS_URI: "https://login.microsoftonline.com/tid/discovery/v2.0/keys",
};
