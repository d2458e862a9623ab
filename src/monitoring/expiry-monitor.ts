/**
 * The daily secret-expiry monitor.
 *
 * For every credential profile it works out when the client secret really
 * expires and logs ONE EVENT_CREDENTIAL_EXPIRY line, the line the expiry
 * alerts read (see events.ts for the wire format).
 *
 * The real expiry comes from Graph ("graph", read as the app itself, see
 * src/credentials/secret-expiry.ts); when Graph cannot tell, the expiry the
 * admin typed in is used ("entered"), so the alert still fires.
 *
 * The profile keeps what the last check found: `graphExpiresOn` (null when it
 * could not read Graph) and `expiryMismatch` (entered and real expiry more
 * than a day apart), written with an ETag.
 *
 * Secrets: the secret value goes only to the credential. Error lines carry
 * error names, HTTP statuses and codes, never an error's message text
 * (which could echo a request).
 */
import { realExpiry, type RealExpiry } from "../credentials/secret-expiry.js";
import type { Services } from "../services.js";
import type { CredentialProfile } from "../store/credential-store.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { describeError, ExpiryCheckError } from "./describe-error.js";
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
