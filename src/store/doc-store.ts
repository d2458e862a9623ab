import { odata, type TableClient } from "@azure/data-tables";
import { getOrUndefined, statusOf } from "./status-code.js";

export interface Versioned<T> {
  readonly value: T;
  readonly etag: string;
}

/**
 * Documents of one kind in one partition, one row each, stored as JSON:
 * creates that report a lost race, and ETag-guarded replaces.
 */
export class DocStore<T extends { readonly id: string }> {
  constructor(
    private readonly table: TableClient,
    private readonly partition: string,
  ) {}

  /** False when the ID exists already (of two racing creates, one wins). */
  async create(doc: T): Promise<boolean> {
    try {
      await this.table.createEntity({ partitionKey: this.partition, rowKey: doc.id, doc: JSON.stringify(doc) });
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }

  async get(id: string): Promise<Versioned<T> | undefined> {
    const e = await getOrUndefined(() => this.table.getEntity<{ doc: string }>(this.partition, id));
    return e ? { value: JSON.parse(e.doc) as T, etag: e.etag } : undefined;
  }

  /** The new ETag, or false when the stored one moved on (412). */
  async replace(doc: T, etag: string): Promise<string | false> {
    try {
      const r = await this.table.updateEntity({ partitionKey: this.partition, rowKey: doc.id, doc: JSON.stringify(doc) }, "Replace", { etag });
      return r.etag ?? "";
    } catch (err) {
      if (statusOf(err) === 412) return false;
      throw err;
    }
  }

  /** Idempotent: a missing row counts as deleted. */
  async delete(id: string): Promise<void> {
    try {
      await this.table.deleteEntity(this.partition, id);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  /** Deletes only the version read: false when the row moved on (412, If-Match: Delete Entity, Table service REST API) or is gone. */
  async deleteIf(id: string, etag: string): Promise<boolean> {
    try {
      await this.table.deleteEntity(this.partition, id, { etag });
      return true;
    } catch (err) {
      const s = statusOf(err);
      if (s === 412 || s === 404) return false;
      throw err;
    }
  }

  async *list(): AsyncGenerator<Versioned<T>> {
    for await (const e of this.table.listEntities<{ doc: string }>({ queryOptions: { filter: odata`PartitionKey eq ${this.partition}` } })) {
      yield { value: JSON.parse(e.doc) as T, etag: e.etag };
    }
  }
}
