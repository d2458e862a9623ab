import type { TableClient } from "@azure/data-tables";
import { DocStore } from "./doc-store.js";

/** An app registration's credential. The secret itself is in Key Vault under `secretName`, never here. */
export interface CredentialProfile {
  readonly id: string;
  readonly name: string;
  readonly clientId: string;
  readonly secretName: string;
  readonly secretExpiresOn: string;
  /** Created inline with one tenant rather than as a shared profile. */
  readonly inline: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** From the daily monitor: the real expiry read from Graph, when the app may read its own registration. */
  readonly graphExpiresOn?: string | null;
  readonly expiryMismatch?: boolean;
}

/** Credential profiles, one row each. */
export class CredentialStore extends DocStore<CredentialProfile> {
  constructor(table: TableClient) {
    super(table, "credential");
  }
}
