/**
 * The daily secret-expiry monitor.
 *
 * For every credential profile it works out when the client secret really
 * expires and logs ONE EVENT_CREDENTIAL_EXPIRY line, the line the expiry
 * alerts read (see events.ts for the wire format).
 *
 * Where the expiry comes from:
 *   - "graph": the customer's app may read its own registration
 *     (Application.Read.All). The monitor signs in as the app in the first
 *     tenant that uses the profile, reads
 *     `/applications(appId='{clientId}')?$select=passwordCredentials` and
 *     takes the endDateTime of the credential whose hint (the first three
 *     characters of the secret) matches the secret in Key Vault.
 *   - "entered": anything else: no tenant uses the profile, Graph answers 403
 *     (no Application.Read.All), the sign-in is refused (an expired secret
 *     cannot sign in: AADSTS7000222), no credential carries the hint, or Graph
 *     fails. The expiry the admin typed in is used, so the alert still fires.
 *
 * The profile keeps what the last check found: `graphExpiresOn` (null when it
 * could not read Graph) and `expiryMismatch` (entered and real expiry more
 * than a day apart), written with an ETag.
 *
 * Secrets: the secret value goes only to the credential; the hint is compared
 * and never logged. Error lines carry error names, HTTP statuses and codes,
 * never an error's message text (which could echo a request).
 */
import { z } from "zod";
import { createGraphClient } from "../graph/client.js";
import { customerCredential } from "../graph/credential.js";
import type { RetryPolicy } from "../graph/retry.js";
import type { Services } from "../services.js";
import type { CredentialProfile } from "../store/credential-store.js";
import { statusOf } from "../store/status-code.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { aadstsOf } from "../tenants/aadsts.js";
import {
  credentialExpiryMessage,
  credentialExpiryState,
  daysLeftUntil,
  type CredentialExpiryEvent,
  type CredentialExpirySource,
  type CredentialExpiryState,
} from "./events.js";
import { logText } from "./log-text.js";

const DAY_MS = 86_400_000;
/** Entered and real expiry further apart than this are a mismatch. */
export const EXPIRY_MISMATCH_MS = DAY_MS;
/** A daily check can wait for Graph, but not for long. */
const GRAPH_RETRY: RetryPolicy = Object.freeze({ maxRetries: 3, baseDelayMs: 500, maxDelayMs: 10_000 });
/** ETag conflicts tolerated per credential before it counts as failed. */
const REPLACE_ATTEMPTS = 3;

/** The one credential's outcome: the logged event and the instants behind it. */
export interface CredentialExpiryCheck extends CredentialExpiryEvent {
  /** The expiry daysLeft was computed from (ISO 8601). */
  readonly expiresOn: string;
  readonly enteredExpiresOn: string;
  readonly graphExpiresOn: string | null;
  /** Why the entered expiry was used; absent when source is "graph". */
  readonly fallbackReason?: string;
}

export interface CredentialExpiryReport {
  readonly checked: readonly CredentialExpiryCheck[];
  /** Credentials whose check failed (no event logged, or the profile not updated). */
  readonly failed: ReadonlyArray<{ readonly credentialId: string; readonly error: string }>;
}

/**
 * The expiry state of an ISO 8601 instant at `now`, by the alert thresholds:
 * ok, warning (≤ 30 days), critical (≤ 7), expired (past). Pure. An
 * unparseable instant counts as expired, so it is noticed rather than shown as ok.
 */
export function expiryStateOf(expiresOn: string, now: Date | number): CredentialExpiryState {
  const at = Date.parse(expiresOn);
  if (Number.isNaN(at)) return "expired";
  return credentialExpiryState(daysLeftUntil(new Date(at), new Date(now)));
}

/**
 * Checks every credential profile once and logs one EVENT_CREDENTIAL_EXPIRY
 * line per credential. A credential that fails is logged as an error line
 * and the others go on.
 */
export async function checkCredentialExpiry(services: Services, write: (line: string) => void, now: () => number = Date.now): Promise<CredentialExpiryReport> {
  // Lines carry Graph messages: escaped to one line each (event lines are escaped JSON already).
  const log = (line: string) => write(logText(line));
  await services.ready();
  const usersOf = new Map<string, TenantRecord[]>();
  for await (const { value: t } of services.tenants.list()) {
    const list = usersOf.get(t.credentialId);
    if (list) list.push(t);
    else usersOf.set(t.credentialId, [t]);
  }
  const ids: string[] = [];
  for await (const { value } of services.credentials.list()) ids.push(value.id);

  const checked: CredentialExpiryCheck[] = [];
  const failed: Array<{ credentialId: string; error: string }> = [];
  for (const id of ids) {
    const tenants = usersOf.get(id) ?? [];
    try {
      const r = await checkOne(services, id, tenants, now, log);
      if (!r) continue; // deleted since the listing
      const { check, saveError } = r;
      log(
        credentialExpiryMessage({
          credentialId: check.credentialId,
          clientId: check.clientId,
          tenantIds: check.tenantIds,
          daysLeft: check.daysLeft,
          source: check.source,
          state: check.state,
          mismatch: check.mismatch,
        }),
      );
      checked.push(check);
      if (saveError !== undefined) {
        failed.push({ credentialId: id, error: saveError });
        log(`credential expiry: credential ${id}: could not save the result: ${saveError}`);
      }
    } catch (err) {
      const error = describeError(err);
      failed.push({ credentialId: id, error });
      log(`credential expiry: credential ${id}: check failed: ${error}`);
    }
  }
  return { checked, failed };
}

/** A failure this module raises itself; its message holds no secret. */
class ExpiryCheckError extends Error {
  override readonly name = "ExpiryCheckError";
}

type RealExpiry = { readonly kind: "graph"; readonly at: number } | { readonly kind: "entered"; readonly reason: string };

async function checkOne(
  services: Services,
  id: string,
  tenants: readonly TenantRecord[],
  now: () => number,
  log: (line: string) => void,
): Promise<{ check: CredentialExpiryCheck; saveError?: string } | undefined> {
  let last: CredentialExpiryCheck | undefined;
  for (let attempt = 0; attempt < REPLACE_ATTEMPTS; attempt++) {
    const cur = await services.credentials.get(id);
    if (!cur) return undefined;
    const p = cur.value;
    const entered = Date.parse(p.secretExpiresOn);
    if (Number.isNaN(entered)) throw new ExpiryCheckError("the stored secret expiry is not a date");

    const first = tenants[0];
    const real: RealExpiry = first ? await realExpiry(services, p, first) : { kind: "entered", reason: "no tenant uses this credential" };
    if (real.kind === "entered" && attempt === 0) log(`credential expiry: credential ${id}: using the entered expiry: ${real.reason}`);

    const graphAt = real.kind === "graph" ? real.at : null;
    const expiry = graphAt ?? entered;
    const source: CredentialExpirySource = real.kind;
    const mismatch = graphAt !== null && Math.abs(graphAt - entered) > EXPIRY_MISMATCH_MS;
    const daysLeft = daysLeftUntil(new Date(expiry), new Date(now()));
    const graphExpiresOn = graphAt === null ? null : new Date(graphAt).toISOString();
    last = {
      credentialId: p.id,
      clientId: p.clientId,
      tenantIds: tenants.map((t) => t.id),
      daysLeft,
      source,
      state: credentialExpiryState(daysLeft),
      mismatch,
      expiresOn: new Date(expiry).toISOString(),
      enteredExpiresOn: new Date(entered).toISOString(),
      graphExpiresOn,
      ...(real.kind === "entered" ? { fallbackReason: real.reason } : {}),
    };

    if ((p.graphExpiresOn ?? null) === graphExpiresOn && (p.expiryMismatch ?? false) === mismatch) return { check: last };
    const next: CredentialProfile = { ...p, graphExpiresOn, expiryMismatch: mismatch };
    try {
      if ((await services.credentials.replace(next, cur.etag)) !== false) return { check: last };
    } catch (err) {
      // The event still goes out: the alert matters more than the stored copy.
      return { check: last, saveError: describeError(err) };
    }
    // 412: the profile changed meanwhile (perhaps a new secret): check it again.
  }
  return last && { check: last, saveError: "the profile kept changing (ETag conflicts)" };
}

const passwordCredentialsSchema = z.object({
  passwordCredentials: z
    .array(
      z.object({
        hint: z.string().nullish(),
        endDateTime: z.string().nullish(),
      }),
    )
    .nullish(),
});

/** The real expiry of the profile's secret, read from Graph as the app itself in `tenant`. */
async function realExpiry(services: Services, p: CredentialProfile, tenant: TenantRecord): Promise<RealExpiry> {
  let hint: string;
  let raw: unknown;
  try {
    const secret = await services.secrets.get(p.secretName);
    if (!secret || secret.value === "") return { kind: "entered", reason: "the client secret is missing from Key Vault" };
    hint = secret.value.slice(0, 3);
    const endpoints = services.endpointsOf(tenant, p);
    const credential = customerCredential({ tenantId: tenant.id, clientId: p.clientId, clientSecret: secret.value }, endpoints);
    const client = createGraphClient(credential, endpoints, { retry: GRAPH_RETRY });
    raw = await client.api(`/applications(appId='${p.clientId.replace(/'/g, "''")}')`).select("passwordCredentials").get();
  } catch (err) {
    const status = statusOf(err);
    if (status === 403) return { kind: "entered", reason: `no Application.Read.All in tenant ${tenant.id} (Graph 403)` };
    if (status === 404) return { kind: "entered", reason: `the app registration is not in tenant ${tenant.id} (Graph 404)` };
    const aad = aadstsOf(err);
    if (aad) return { kind: "entered", reason: `sign-in to tenant ${tenant.id} refused (${aad.code})` };
    return { kind: "entered", reason: `Graph read failed in tenant ${tenant.id}: ${describeError(err)}` };
  }
  const parsed = passwordCredentialsSchema.safeParse(raw);
  if (!parsed.success) return { kind: "entered", reason: "Graph answered without passwordCredentials" };
  let at: number | undefined;
  for (const c of parsed.data.passwordCredentials ?? []) {
    if (c.hint !== hint || !c.endDateTime) continue;
    const end = Date.parse(c.endDateTime);
    // Two secrets with the same hint: the earlier expiry, so an alert comes early rather than late.
    if (!Number.isNaN(end) && (at === undefined || end < at)) at = end;
  }
  return at === undefined ? { kind: "entered", reason: "no client secret of the app registration matches the stored secret's hint" } : { kind: "graph", at };
}

/** Name, HTTP status and codes of an error: never its message, which could echo a request. */
function describeError(err: unknown): string {
  const parts: string[] = [];
  if (err instanceof Error) parts.push(err.name);
  const status = statusOf(err);
  if (status !== undefined) parts.push(`HTTP ${status}`);
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) parts.push(code);
  const aad = aadstsOf(err);
  if (aad) parts.push(aad.code);
  // This module's own errors carry no request data: their message is safe.
  if (err instanceof ExpiryCheckError) parts.push(err.message);
  return parts.length > 0 ? parts.join(" ") : "unknown error";
}
