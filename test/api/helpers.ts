import { SecretClient } from "@azure/keyvault-secrets";
import { expect } from "vitest";
import { serviceCredential } from "../../src/secrets/service-credential.js";
import { TABLE_NAMES, type TableName } from "../../src/store/tables.js";
import type { TestApi } from "../support/api.js";
import { createSimTenant, type CreatedTenant } from "../support/sim.js";

/** Shared by the test/api/*.test.ts files: fixtures and whole-store scans over the real tables and Key Vault. */

export const inAYear = (): string => new Date(Date.now() + 365 * 86_400_000).toISOString();

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface AddedTenant {
  readonly sim: CreatedTenant;
  readonly id: string;
  readonly clientId: string;
  readonly secret: string;
  readonly body: Record<string, Json>;
}

/** A fresh simulated tenant, added through POST /tenants with an inline credential (201 asserted). */
export async function addTenant(
  api: TestApi,
  opts: { spec?: Record<string, number>; grantedPermissions?: readonly string[]; secretDaysValid?: readonly number[]; settings?: Record<string, Json> } = {},
): Promise<AddedTenant> {
  const sim = await createSimTenant({
    spec: opts.spec ?? { users: 30, groups: 4 },
    ...(opts.grantedPermissions ? { grantedPermissions: opts.grantedPermissions } : {}),
    ...(opts.secretDaysValid ? { secretDaysValid: opts.secretDaysValid } : {}),
  });
  const app = sim.apps[0]!;
  const secret = app.clientSecrets[0]!;
  const res = await api.call("POST", "/tenants", {
    body: { tenant: sim.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: secret, secretExpiresOn: inAYear() }, ...opts.settings },
  });
  const body = (await res.json()) as Record<string, Json>;
  expect(res.status, JSON.stringify(body)).toBe(201);
  return { sim, id: sim.tenantId, clientId: app.clientId, secret, body };
}

/** Sync Now (202 asserted) and wait until the run has ended. */
export async function syncAndWait(api: TestApi, tenantId: string, expected = "Completed"): Promise<void> {
  const res = await api.call("POST", `/tenants/${tenantId}/sync`);
  expect(res.status, await res.clone().text()).toBe(202);
  await waitForRun(api, tenantId, expected);
}

export async function waitForRun(api: TestApi, tenantId: string, expected = "Completed"): Promise<void> {
  const s = await api.durable.waitForCompletion(`sync-${tenantId}`, 60_000);
  expect(s.runtimeStatus).toBe(expected);
}

export type Entity = Record<string, unknown> & { partitionKey?: string; rowKey?: string; etag?: string };

/** Every entity of every service table, with all its properties. */
export async function allEntities(api: TestApi): Promise<Array<{ table: TableName; entity: Entity }>> {
  const out: Array<{ table: TableName; entity: Entity }> = [];
  for (const table of TABLE_NAMES) {
    for await (const e of api.services.tables.client(table).listEntities<Record<string, unknown>>()) out.push({ table, entity: e });
  }
  return out;
}

/** PartitionKey, RowKey and ETag of every row of every table, sorted: equal snapshots mean no row was added, changed or removed. */
export async function snapshotRows(api: TestApi): Promise<string[]> {
  return (await allEntities(api)).map(({ table, entity }) => `${table}|${entity.partitionKey ?? ""}|${entity.rowKey ?? ""}|${entity.etag ?? ""}`).sort();
}

/** A 4xx/5xx answer must be JSON `{ error: { code, message, details? } }`. */
export function expectErrorShape(status: number, text: string, context = ""): { code: string; message: string; details?: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${context}: ${status} answer is not JSON: ${text.slice(0, 200)}`);
  }
  const err = (parsed as { error?: unknown } | null)?.error as { code?: unknown; message?: unknown } | undefined;
  expect(typeof err?.code === "string" && err.code.length > 0, `${context}: error.code in ${text.slice(0, 300)}`).toBe(true);
  expect(typeof err?.message === "string" && err.message.length > 0, `${context}: error.message in ${text.slice(0, 300)}`).toBe(true);
  return err as { code: string; message: string; details?: unknown };
}

/** The Key Vault the service writes to, read with the service's own identity (to list what is there). */
export function vaultClient(api: TestApi): SecretClient {
  return new SecretClient(api.services.config.keyVaultUrl, serviceCredential(api.services.config.serviceIdentity), { disableChallengeResourceVerification: true });
}

export async function secretNames(api: TestApi): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const p of vaultClient(api).listPropertiesOfSecrets()) names.add(p.name);
  return names;
}

/** Fills a route template such as "tenants/{id}/objects/{type}" from `values` (every parameter must have one). */
export function fillPath(template: string, values: Readonly<Record<string, string>>): string {
  return `/${template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for path parameter {${name}} of ${template}`);
    return encodeURIComponent(v);
  })}`;
}

/** Seconds from now to the next UTC midnight. */
export function secondsToUtcMidnight(now = Date.now()): number {
  const d = new Date(now);
  return (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now) / 1000;
}

export const utcToday = (now = Date.now()): string => new Date(now).toISOString().slice(0, 10);

/** Too close to a UTC midnight, a test of the daily quota would straddle two days: wait for the new day. */
export async function awayFromUtcMidnight(marginSeconds = 60): Promise<void> {
  const left = secondsToUtcMidnight();
  if (left < marginSeconds) await new Promise((r) => setTimeout(r, (left + 1) * 1000));
}
