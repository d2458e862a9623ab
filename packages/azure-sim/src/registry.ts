import { randomBytes } from "node:crypto";
import { Directory } from "./graph/directory.js";
import { stableGuid } from "./ids.js";
import type { DirectorySpec, SimApp, SimSecret, SimTenantInfo } from "./model.js";

export interface SimTenant extends SimTenantInfo {
  /** Apps that may sign in here, by client ID. */
  readonly apps: Map<string, SimApp>;
  readonly directory: Directory;
}

export interface AppInput {
  readonly displayName: string;
  readonly clientId?: string;
  readonly grantedPermissions: readonly string[];
  /** Days until each secret expires; negative means already expired. */
  readonly secretDaysValid?: readonly number[];
  /**
   * One multi-tenant app added to several tenants: its secret lives on the one
   * app registration and signs in wherever the app is consented
   * (learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant), so each
   * tenant's copy carries this same secret instead of a fresh one.
   */
  readonly secretText?: string;
}

export interface TenantInput {
  readonly displayName: string;
  readonly domain: string;
  readonly tenantId?: string;
  readonly spec: DirectorySpec;
  readonly apps: readonly AppInput[];
}

const DAY_MS = 86_400_000;

/** A fresh client secret in Entra's format: 40 characters, the first three are the hint. */
export function newSecret(displayName: string, daysValid: number, now = Date.now()): SimSecret {
  const secretText = randomBytes(30).toString("base64url").slice(0, 40);
  return {
    keyId: stableGuid("secret", secretText),
    hint: secretText.slice(0, 3),
    secretText,
    displayName,
    startDateTime: new Date(now).toISOString(),
    endDateTime: new Date(now + daysValid * DAY_MS).toISOString(),
  };
}

/** All simulated tenants, in insertion order, addressable by GUID or any verified domain. */
export class SimRegistry {
  readonly tenants: SimTenant[] = [];
  private readonly index = new Map<string, SimTenant>();

  addTenant(input: TenantInput): SimTenant {
    const tenantId = input.tenantId ?? stableGuid("tenant", input.domain);
    if (this.index.has(tenantId) || this.index.has(input.domain.toLowerCase())) {
      throw new Error(`tenant ${input.domain} exists`);
    }
    const apps = new Map<string, SimApp>();
    for (const a of input.apps) {
      const clientId = a.clientId ?? stableGuid("app", tenantId, a.displayName);
      apps.set(clientId, {
        clientId,
        objectId: stableGuid("app-object", tenantId, clientId),
        displayName: a.displayName,
        grantedPermissions: [...a.grantedPermissions],
        secrets: a.secretText
          ? [{ ...newSecret("secret-1", a.secretDaysValid?.[0] ?? 365), keyId: stableGuid("secret", a.secretText), hint: a.secretText.slice(0, 3), secretText: a.secretText }]
          : (a.secretDaysValid ?? [365]).map((d, i) => newSecret(`secret-${i + 1}`, d)),
      });
    }
    const info: SimTenantInfo = {
      tenantId,
      domain: input.domain,
      displayName: input.displayName,
      verifiedDomains: [input.domain],
    };
    const tenant: SimTenant = { ...info, apps, directory: new Directory(input.spec, info, [...apps.values()]) };
    this.tenants.push(tenant);
    this.index.set(tenantId, tenant);
    for (const d of info.verifiedDomains) this.index.set(d.toLowerCase(), tenant);
    return tenant;
  }

  /** By GUID or verified domain, case-insensitive. */
  find(idOrDomain: string): SimTenant | undefined {
    return this.index.get(idOrDomain.toLowerCase());
  }
}
