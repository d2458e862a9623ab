import type { TableClient } from "@azure/data-tables";
import type { Cloud } from "../config/clouds.js";
import { DocStore } from "./doc-store.js";

/** An app registration's credential. The secret itself is in Key Vault under `secretName`, never here. */
export interface CredentialProfile {
  readonly id: string;
  readonly name: string;
  readonly clientId: string;
  /** The cloud the app is registered in: its secret goes to that cloud's hosts only. Absent on old rows: global. */
  readonly cloud?: Cloud;
  readonly secretName: string;
  readonly secretExpiresOn: string;
  /** Created inline with one tenant rather than as a shared profile. */
  readonly inline: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** From the daily monitor: the real expiry read from Graph, when the app may read its own registration. */
  readonly graphExpiresOn?: string | null;
  readonly expiryMismatch?: boolean;
  /** A tenant is being attached until then: the profile may not be deleted meanwhile. */
  readonly reservedUntil?: string | null;
}

export const profileCloud = (p: Pick<CredentialProfile, "cloud">): Cloud => p.cloud ?? "global";

/** Credential profiles, one row each. */
export class CredentialStore extends DocStore<CredentialProfile> {
  constructor(table: TableClient) {
    super(table, "credential");
  }
}
