import { odata, type TableClient } from "@azure/data-tables";
import { statusOf } from "./status-code.js";

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

const PK = "credential";

export class CredentialStore {
  constructor(private readonly table: TableClient) {}

  async create(p: CredentialProfile): Promise<boolean> {
    try {
      await this.table.createEntity({ partitionKey: PK, rowKey: p.id, doc: JSON.stringify(p) });
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }

  async get(id: string): Promise<{ value: CredentialProfile; etag: string } | undefined> {
    try {
      const e = await this.table.getEntity<{ doc: string }>(PK, id);
      return { value: JSON.parse(e.doc) as CredentialProfile, etag: e.etag };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async replace(p: CredentialProfile, etag: string): Promise<boolean> {
    try {
      await this.table.updateEntity({ partitionKey: PK, rowKey: p.id, doc: JSON.stringify(p) }, "Replace", { etag });
      return true;
    } catch (err) {
      if (statusOf(err) === 412) return false;
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    try {
      await this.table.deleteEntity(PK, id);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  async *list(): AsyncGenerator<CredentialProfile> {
    for await (const e of this.table.listEntities<{ doc: string }>({ queryOptions: { filter: odata`PartitionKey eq ${PK}` } })) {
      yield JSON.parse(e.doc) as CredentialProfile;
    }
  }
}
