import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import type { GraphObject } from "../domain/graph-object.js";
import { RESPONSE_TOO_LARGE } from "../graph/size-limit.js";

export interface GraphPage {
  readonly value: readonly GraphObject[];
  readonly nextLink?: string;
  readonly deltaLink?: string;
}

export interface PageOptions {
  /** Send `Prefer: return=minimal` (users and groups delta only; user-delta.md, group-delta.md). */
  readonly minimal?: boolean;
}

/** Where pages come from: the real Graph client in production and tests, anything in unit tests. */
export interface PageSource {
  page(urlOrPath: string, select?: readonly string[], options?: PageOptions): Promise<GraphPage>;
  /** A POST under the version (the `$batch` of per-parent kinds); absent from sources that only page. */
  post?(path: string, body: unknown): Promise<unknown>;
}

/** The delta token can no longer be used: drop it and scan in full (concepts/delta-query-overview.md, "Token duration"). */
export class DeltaTokenExpired extends Error {
  override readonly name = "DeltaTokenExpired";
}

/** The app lacks the permission this type needs (Authorization_RequestDenied). */
export class PermissionDenied extends Error {
  override readonly name = "PermissionDenied";
}

/**
 * Graph refused the request for a reason a retry cannot fix soon, such as a
 * 403 from Conditional Access (concepts/errors.md lists `insufficient_claims`):
 * the stream fails with Graph's code and message.
 */
export class GraphRefused extends Error {
  override readonly name = "GraphRefused";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/**
 * The tenant lacks the licence the kind needs: PIM answers 400
 * AadPremiumLicenseRequired "The tenant needs to have Microsoft Entra ID P2
 * or Microsoft Entra ID Governance license." (as reported against
 * roleEligibilityScheduleInstances in maester365/maester#1421). The kind is
 * skipped with Graph's own text; retrying cannot help.
 */
export class LicenceRequired extends Error {
  override readonly name = "LicenceRequired";
}

// signInActivity and the sign-in reports without P1 or P2 answer 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant
// "Neither tenant is B2C or tenant doesn't have premium license" (MicrosoftDocs/azure-docs#77948).
const LICENCE_CODES = new Set(["aadpremiumlicenserequired", "authentication_requestfromnonpremiumtenantorb2ctenant"]);

interface RawPage {
  value?: GraphObject[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

const TOKEN_CODES = new Set(["syncstatenotfound", "resyncrequired"]);

/**
 * Every code in the error and its `innererror` chain: "loop over the
 * innererror objects to find the codes you expect" (concepts/errors.md).
 * The SDK keeps the top-level error object as JSON in `body`.
 */
export function errorCodes(err: GraphError): string[] {
  const codes: string[] = err.code ? [err.code] : [];
  let node: unknown;
  try {
    node = typeof err.body === "string" ? JSON.parse(err.body) : err.body;
  } catch {
    return codes;
  }
  // Bounded: a hostile body cannot make this loop long.
  for (let depth = 0; depth < 32 && node && typeof node === "object"; depth++) {
    const o = node as Record<string, unknown>;
    if (typeof o.code === "string") codes.push(o.code);
    node = o.innererror ?? o.innerError ?? (depth === 0 ? o.error : undefined);
  }
  return codes;
}

export function classify(err: unknown): Error {
  if (err instanceof GraphError) {
    if (err.code === RESPONSE_TOO_LARGE) return new Error(err.message);
    const codes = errorCodes(err);
    const code = codes[0] ?? "";
    // The 410 reset carries resyncRequired; an expired token is a 400 syncStateNotFound (delta-query-overview.md).
    if (err.statusCode === 410 || codes.some((c) => TOKEN_CODES.has(c.toLowerCase()))) {
      return new DeltaTokenExpired(`${err.statusCode} ${codes.join("/")}`);
    }
    if (codes.some((c) => LICENCE_CODES.has(c.toLowerCase()))) return new LicenceRequired(`${err.statusCode} ${code}: ${err.message}`);
    if (err.statusCode === 403 && codes.includes("Authorization_RequestDenied")) return new PermissionDenied(`${code}: ${err.message}`);
    // Every code of the chain is named: the most specific one is often the innermost.
    if (err.statusCode === 403) return new GraphRefused(403, codes.join("/") || "Forbidden", err.message);
    // Anything else fails the stream with Graph's status, code and message (no stack in the history).
    if (err.statusCode > 0) return new Error(`Graph answered ${err.statusCode}${code ? ` ${code}` : ""}: ${err.message}`, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}

export function graphPageSource(client: Client): PageSource {
  return {
    async page(urlOrPath, select, options) {
      let req = client.api(urlOrPath);
      if (select?.length) req = req.select([...select]);
      if (options?.minimal) req = req.header("Prefer", "return=minimal");
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
    async post(path, body) {
      try {
        return (await client.api(path).post(body)) as unknown;
      } catch (err) {
        throw classify(err);
      }
    },
  };
}
