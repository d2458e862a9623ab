import type { TokenCredential } from "@azure/core-auth";
import { SecretClient } from "@azure/keyvault-secrets";

export interface StoredSecret {
  readonly value: string;
  readonly version: string;
  readonly expiresOn: Date | undefined;
}

const isNotFound = (err: unknown): boolean =>
  typeof err === "object" && err !== null && ((err as { statusCode?: number }).statusCode === 404 || (err as { code?: string }).code === "SecretNotFound");

/** Client secrets of customer apps, in Key Vault. Values never leave this module except to a credential. */
export class SecretStore {
  private readonly client: SecretClient;

  constructor(vaultUrl: string, credential: TokenCredential) {
    // A vault outside *.vault.azure.net (the simulated one) fails the SDK's challenge-resource check.
    const local = !new URL(vaultUrl).hostname.endsWith(".vault.azure.net");
    this.client = new SecretClient(vaultUrl, credential, { disableChallengeResourceVerification: local });
  }

  /** Writes a new version; Key Vault keeps the old ones. */
  async put(name: string, value: string, expiresOn: Date, contentType = "client-secret"): Promise<string> {
    const s = await this.client.setSecret(name, value, { expiresOn, contentType });
    return s.properties.version ?? "";
  }

  async get(name: string): Promise<StoredSecret | undefined> {
    try {
      const s = await this.client.getSecret(name);
      return { value: s.value ?? "", version: s.properties.version ?? "", expiresOn: s.properties.expiresOn };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Idempotent: a missing secret counts as deleted. */
  async delete(name: string): Promise<void> {
    try {
      const poller = await this.client.beginDeleteSecret(name);
      await poller.pollUntilDone();
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
