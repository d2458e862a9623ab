/** AADSTS codes an admin meets when connecting a tenant, each with its fix in words. */
const FIXES: Readonly<Record<string, string>> = Object.freeze({
  AADSTS7000215: "The client secret is wrong: the secret's Value, not its ID, is expected. Copy the Value shown when the secret was created in Certificates & secrets.",
  AADSTS7000222: "The client secret has expired. Create a new secret in the app registration (Certificates & secrets) and update the credential here with it and its expiry.",
  AADSTS700016: "The application was not found in this tenant. Check the client ID, and have an administrator of the tenant grant admin consent to the app.",
  AADSTS90002: "The tenant was not found. Check the tenant ID or domain, and that the tenant belongs to the selected cloud.",
  AADSTS65001: "Admin consent is missing. An administrator of the tenant must grant admin consent for the app's application permissions.",
  AADSTS50034: "The account does not exist in this tenant. Check the tenant ID or domain.",
  AADSTS700027: "The client assertion is invalid. Use a client secret, or check the certificate uploaded to the app registration.",
  AADSTS90014: "A required field is missing from the request. Check the client ID and secret.",
});

export interface AadstsError {
  readonly code: string;
  readonly message: string;
  readonly fix: string;
}

/** Finds the AADSTS code in an error from @azure/identity, with its fix. */
export function aadstsOf(err: unknown): AadstsError | undefined {
  const text = err instanceof Error ? err.message : String(err);
  const m = /AADSTS(\d+)/.exec(text);
  if (!m) return undefined;
  const code = `AADSTS${m[1]}`;
  // First line of the Entra description, without trace and correlation IDs.
  const description = (/AADSTS\d+:[^\n]*?(?= Trace ID:|$)/m.exec(text)?.[0] ?? code).trim();
  return { code, message: description, fix: FIXES[code] ?? "Entra ID refused the sign-in; see the message for the cause." };
}
