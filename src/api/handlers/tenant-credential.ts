import { changeCredential, type CredentialChange } from "../../credentials/change.js";
import { testSavedCredential } from "../../credentials/customer.js";
import type { CredentialInput } from "../../credentials/resolve.js";
import type { CredentialProfile } from "../../store/credential-store.js";
import type { TenantRecord } from "../../store/tenant-store.js";
import { RequestError } from "../errors.js";
import type { ApiDeps } from "../route.js";

const failed = (message: string | undefined, report: unknown) => new RequestError(400, "ConnectionFailed", message ?? "The connection test failed.", report);

/** Tests the tenant's saved credential against `t`'s (new) endpoints: a PATCH that moves the endpoints saves nothing unless it passes. */
export async function retestEndpoints(deps: ApiDeps, t: TenantRecord, profile: CredentialProfile | undefined): Promise<void> {
  const report = await testSavedCredential(deps.services, t, profile);
  if (!report) throw new RequestError(409, "CredentialMissing", "The tenant's credential or its secret is missing; set a new credential with the endpoints.");
  if (!report.ok) throw failed(report.error?.message, report);
}

/** A PATCH's new credential, tested and stored (see changeCredential), or the 4xx that says why not. */
export async function applyCredential(deps: ApiDeps, t: TenantRecord, old: CredentialProfile | undefined, input: CredentialInput): Promise<CredentialChange> {
  const r = await changeCredential(deps.services, t, old, input);
  switch (r.kind) {
    case "changed":
      return r.change;
    case "credentialNotFound":
      throw new RequestError(400, "CredentialNotFound", `Credential profile '${r.credentialId}' does not exist.`);
    case "credentialCloud":
      throw new RequestError(400, "CredentialCloudMismatch", r.message);
    case "connectionFailed":
      throw failed(r.report.error?.message, r.report);
    case "conflict":
      throw new RequestError(409, "CredentialChanged", "The credential changed concurrently; retry.");
  }
}
