import { expect, inject } from "vitest";
import type { TestApi } from "../support/api.js";
import { simGet } from "../support/sim.js";

/** Read permissions of the shared tenants plus every provisioning write. */
export const PROVISIONING_GRANTS = [
  "User.ReadWrite.All",
  "LicenseAssignment.ReadWrite.All",
  "AppRoleAssignment.ReadWrite.All",
  "RoleManagement.ReadWrite.Directory",
  "RoleEligibilitySchedule.ReadWrite.Directory",
];
export const readAndWrite = (): string[] => [...inject("sim").tenants[0]!.grantedPermissions, ...PROVISIONING_GRANTS];

/** Path values for the provisioning routes naming objects no tenant has (route-table-wide tests). */
export const ABSENT_TARGETS = { userId: "0badc0de-0000-4000-8000-000000000001", spId: "0badc0de-0000-4000-8000-000000000002", assignmentId: "absentAssignment", secretName: "ipw-absent" } as const;

/** Graph writes the simulator logged for a tenant: every non-GET /v1.0 request but `$batch` (whose items are reads). */
export async function graphWrites(tenantId: string): Promise<number> {
  const log = await simGet<{ requests: Array<{ method: string; path: string }> }>(`/_sim/requests?tenantId=${tenantId}`);
  return log.requests.filter((r) => r.method !== "GET" && r.path.startsWith("/v1.0/") && !r.path.endsWith("/$batch")).length;
}

export interface ErrorAnswer {
  readonly status: number;
  readonly error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Calls and expects a 4xx refusal with Graph untouched; returns the error. */
export async function refusedWithoutWrite(api: TestApi, tenantId: string, method: string, path: string, body: unknown, status: number, code: string, token?: string): Promise<ErrorAnswer["error"]> {
  const before = await graphWrites(tenantId);
  const res = await api.call(method, path, { body, ...(token ? { token } : {}) });
  const json = (await res.json()) as { error: ErrorAnswer["error"] };
  expect(res.status, JSON.stringify(json)).toBe(status);
  expect(json.error.code).toBe(code);
  expect(await graphWrites(tenantId), "no Graph write").toBe(before);
  return json.error;
}

export interface AuditRow {
  readonly action: string;
  readonly target?: string;
  readonly result: string;
  readonly actorId: string;
  readonly at: string;
  readonly tenantId: string;
}

export async function auditOf(api: TestApi, tenantId: string): Promise<AuditRow[]> {
  const res = await api.call("GET", `/tenants/${tenantId}/audit?pageSize=1000`, { token: api.reader });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: AuditRow[] }).items;
}
