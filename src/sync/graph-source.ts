import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import type { GraphObject } from "../graph/resource.js";

export interface GraphPage {
  readonly value: readonly GraphObject[];
  readonly nextLink?: string;
  readonly deltaLink?: string;
}

/** Where pages come from: the real Graph client in production and tests, anything in unit tests. */
export interface PageSource {
  page(urlOrPath: string, select?: readonly string[]): Promise<GraphPage>;
}

/** The delta token can no longer be used: drop it and scan in full (FACTS). */
export class DeltaTokenExpired extends Error {
  override readonly name = "DeltaTokenExpired";
}

/** The app lacks the permission this type needs. */
export class PermissionDenied extends Error {
  override readonly name = "PermissionDenied";
}

interface RawPage {
  value?: GraphObject[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

export function classify(err: unknown): Error {
  if (err instanceof GraphError) {
    const code = err.code ?? "";
    if (err.statusCode === 410 || code === "syncStateNotFound" || code === "resyncRequired" || /syncStateNotFound|resyncRequired/i.test(err.message)) {
      return new DeltaTokenExpired(`${err.statusCode} ${code}`);
    }
    if (err.statusCode === 403) return new PermissionDenied(`${code}: ${err.message}`);
    // The status and Graph's code go into the message: it is what the run's history shows (no stack).
    return new Error(`Graph ${err.statusCode}${code ? ` ${code}` : ""}: ${err.message}`, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}

export function graphPageSource(client: Client): PageSource {
  return {
    async page(urlOrPath, select) {
      let req = client.api(urlOrPath);
      if (select?.length) req = req.select([...select]);
      let raw: RawPage;
      try {
        raw = (await req.get()) as RawPage;
      } catch (err) {
        throw classify(err);
      }
      return {
        value: raw.value ?? [],
        ...(raw["@odata.nextLink"] ? { nextLink: raw["@odata.nextLink"] } : {}),
        ...(raw["@odata.deltaLink"] ? { deltaLink: raw["@odata.deltaLink"] } : {}),
      };
    },
  };
}
