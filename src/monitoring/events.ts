/**
 * Structured log events: the contract between the code that logs and the
 * alert rules in infra/modules/alerts.bicep.
 *
 * The names live in infra/events.json only. Bicep reads that file with
 * loadJsonContent() and interpolates the names into the alert queries; this
 * module imports the same file. Rename an event there, never here.
 *
 * WIRE FORMAT (the alert queries parse exactly this)
 *   One event = one log line at Information level (`context.log(...)`), whose
 *   message is the event name, ONE space, then a JSON object of the fields:
 *
 *     EntraSync.SyncRun {"tenantId":"…","runId":"…","type":"delta","status":"failed","trigger":"schedule"}
 *
 *   In Application Insights it is a row of `traces`; the queries select it with
 *   `message startswith "<name> "` and parse_json() the rest. The event name is
 *   in `message`, not in customDimensions: the Node worker's context.log cannot
 *   set customDimensions. Build the line with the helpers below
 *   (credentialExpiryMessage, syncRunMessage, graphThrottledMessage), never by
 *   hand, and never put a secret in a field.
 *
 * EVENTS AND THEIR FIELDS
 *   EVENT_CREDENTIAL_EXPIRY: once per credential profile per daily expiry check.
 *     credentialId  credential profile ID
 *     clientId      app (client) ID of the customer's app registration
 *     tenantIds     tenants that use this credential
 *     daysLeft      daysLeftUntil(expiry): whole days, floored; negative once expired
 *     source        "entered" (expiry typed in by the admin) | "graph"
 *                   (passwordCredentials[].endDateTime read with Application.Read.All)
 *     state         credentialExpiryState(daysLeft): ok | warning | critical | expired
 *     mismatch      true when the entered expiry differs from Graph's endDateTime
 *   Alerts: warning band (critical < daysLeft <= warning) severity 3, critical band
 *   (0 <= daysLeft <= critical) severity 2, expired (daysLeft < 0) severity 1, on the
 *   latest event per credentialId. The thresholds are CREDENTIAL_*_DAYS (also in the JSON).
 *
 *   EVENT_SYNC_RUN: once per run, when the run ends (log it from an activity, or
 *   guard with `!context.df.isReplaying`: an orchestrator line is replayed).
 *     tenantId, runId (the orchestration instance/run ID),
 *     type     "full" | "delta" | "preview"
 *     status   "succeeded" | "partial" (some streams failed) | "failed"
 *     trigger  "schedule" | "manual" | "notification"
 *   Alert: the last 3 non-preview runs of a tenant all have status "failed" (severity 2).
 *
 *   EVENT_GRAPH_THROTTLED: when a unit of work (activity invocation) saw Graph 429s.
 *     tenantId, count (429 responses since the previous event; > 0)
 *   Alert: sum(count) over 15 minutes above the graphThrottleAlertThreshold parameter (severity 3).
 *
 * Application Insights sampling must not drop these lines: host.json has to
 * exclude "Trace" from samplingSettings (test/infra/host.test.ts holds this),
 * or an alert can miss the one event a day that carries a credential's expiry.
 */
import events from "../../infra/events.json" with { type: "json" };
import { logJson } from "./log-text.js";
import type { SyncEventStatus } from "../domain/run-outcome.js";

const NAME = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/;

function eventName(key: string, value: unknown): string {
  // The names are interpolated into KQL string literals: no quotes, spaces or escapes.
  if (typeof value !== "string" || !NAME.test(value)) {
    throw new Error(`infra/events.json: ${key} must be a dotted name of letters and digits`);
  }
  return value;
}

function days(key: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new Error(`infra/events.json: credentialExpiryDays.${key} must be a non-negative integer`);
  }
  return value;
}

export const EVENT_CREDENTIAL_EXPIRY: string = eventName("credentialExpiry", events.credentialExpiry);
export const EVENT_SYNC_RUN: string = eventName("syncRun", events.syncRun);
export const EVENT_GRAPH_THROTTLED: string = eventName("graphThrottled", events.graphThrottled);

/** Every event name, keyed as in infra/events.json. */
export const EVENTS: Readonly<{ credentialExpiry: string; syncRun: string; graphThrottled: string }> = Object.freeze({
  credentialExpiry: EVENT_CREDENTIAL_EXPIRY,
  syncRun: EVENT_SYNC_RUN,
  graphThrottled: EVENT_GRAPH_THROTTLED,
});

/** daysLeft at or below which a credential is "warning" (alert severity 3). */
export const CREDENTIAL_WARNING_DAYS: number = days("warning", events.credentialExpiryDays.warning);
/** daysLeft at or below which a credential is "critical" (alert severity 2). */
export const CREDENTIAL_CRITICAL_DAYS: number = days("critical", events.credentialExpiryDays.critical);
if (CREDENTIAL_CRITICAL_DAYS >= CREDENTIAL_WARNING_DAYS) {
  throw new Error("infra/events.json: credentialExpiryDays.critical must be below warning");
}

export type CredentialExpiryState = "ok" | "warning" | "critical" | "expired";
export type CredentialExpirySource = "entered" | "graph";

export interface CredentialExpiryEvent {
  readonly credentialId: string;
  readonly clientId: string;
  readonly tenantIds: readonly string[];
  readonly daysLeft: number;
  readonly source: CredentialExpirySource;
  readonly state: CredentialExpiryState;
  readonly mismatch: boolean;
}

export const SYNC_RUN_TYPES = Object.freeze(["full", "delta", "preview"] as const);
export const SYNC_RUN_TRIGGERS = Object.freeze(["schedule", "manual", "notification"] as const);
export type SyncRunType = (typeof SYNC_RUN_TYPES)[number];
export type SyncRunTrigger = (typeof SYNC_RUN_TRIGGERS)[number];

export interface SyncRunEvent {
  readonly tenantId: string;
  readonly runId: string;
  readonly type: SyncRunType;
  readonly status: SyncEventStatus;
  readonly trigger: SyncRunTrigger;
}

export interface GraphThrottledEvent {
  readonly tenantId: string;
  readonly count: number;
}

const DAY_MS = 86_400_000;

/** Whole days from `now` to `expiry`, floored: 0 on the last day, negative once expired. */
export function daysLeftUntil(expiry: Date, now: Date = new Date()): number {
  return Math.floor((expiry.getTime() - now.getTime()) / DAY_MS);
}

/** The state the alert rules assign to `daysLeft` (same thresholds). */
export function credentialExpiryState(daysLeft: number): CredentialExpiryState {
  if (daysLeft < 0) return "expired";
  if (daysLeft <= CREDENTIAL_CRITICAL_DAYS) return "critical";
  if (daysLeft <= CREDENTIAL_WARNING_DAYS) return "warning";
  return "ok";
}

/** `<name> <json>`: the one message format the alert queries parse; one line, whatever the fields hold. */
export function formatEvent(name: string, fields: object): string {
  return `${name} ${logJson(fields)}`;
}

export function credentialExpiryMessage(fields: CredentialExpiryEvent): string {
  return formatEvent(EVENT_CREDENTIAL_EXPIRY, fields);
}

export function syncRunMessage(fields: SyncRunEvent): string {
  return formatEvent(EVENT_SYNC_RUN, fields);
}

export function graphThrottledMessage(fields: GraphThrottledEvent): string {
  return formatEvent(EVENT_GRAPH_THROTTLED, fields);
}

/** The inverse of formatEvent for a known event name; undefined for any other line. */
export function parseEvent(message: string): { name: string; fields: Record<string, unknown> } | undefined {
  const space = message.indexOf(" ");
  if (space < 0) return undefined;
  const name = message.slice(0, space);
  if (name !== EVENT_CREDENTIAL_EXPIRY && name !== EVENT_SYNC_RUN && name !== EVENT_GRAPH_THROTTLED) return undefined;
  try {
    const fields: unknown = JSON.parse(message.slice(space + 1));
    if (fields === null || typeof fields !== "object" || Array.isArray(fields)) return undefined;
    return { name, fields: fields as Record<string, unknown> };
  } catch {
    return undefined;
  }
}
