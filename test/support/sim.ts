import { inject } from "vitest";

export interface CreatedTenant {
  readonly tenantId: string;
  readonly domain: string;
  readonly apps: ReadonlyArray<{ readonly clientId: string; readonly clientSecrets: readonly string[]; readonly grantedPermissions: readonly string[] }>;
  readonly counts: Record<string, number>;
}

let serial = 0;

/** A fresh simulated tenant of the test's own, so tests never disturb each other. */
export async function createSimTenant(opts: {
  readonly spec?: Record<string, number | { readonly p1: boolean; readonly p2: boolean }>;
  readonly grantedPermissions?: readonly string[];
  readonly secretDaysValid?: readonly number[];
}): Promise<CreatedTenant> {
  const sim = inject("sim");
  const name = `t${process.pid}x${++serial}x${Date.now().toString(36)}`;
  const res = await fetch(`${sim.graphBaseUrl}/_sim/tenants`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      displayName: `Test ${name}`,
      domain: `${name}.onmicrosoft.com`,
      spec: { seed: serial, users: 50, groups: 10, ...opts.spec },
      apps: [
        {
          displayName: "Entra Sync Connector",
          grantedPermissions: opts.grantedPermissions ?? sim.tenants[0]?.grantedPermissions ?? [],
          ...(opts.secretDaysValid ? { secretDaysValid: opts.secretDaysValid } : {}),
        },
      ],
    }),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`create tenant: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedTenant;
}

export async function simPost(path: string, body: unknown, method = "POST"): Promise<unknown> {
  const res = await fetch(`${inject("sim").graphBaseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : ((await res.json()));
}

export async function simGet<T>(path: string): Promise<T> {
  const res = await fetch(`${inject("sim").graphBaseUrl}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function decodeJwt(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}
