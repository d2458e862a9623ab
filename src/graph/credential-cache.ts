import { hash } from "node:crypto";
import type { ClientSecretCredential } from "@azure/identity";
import type { CloudEndpoints } from "../config/clouds.js";
import { customerCredential, type AppCredential } from "./credential.js";

/** Credentials kept per process: enough for the runs one host has in flight at once. */
export const CREDENTIAL_CACHE_SIZE = 128;

/**
 * Customer credentials reused across invocations, so MSAL's in-memory token
 * cache (one per ClientSecretCredential) serves a run's later activities:
 * one token and one authority-metadata request per app and secret instead of
 * one per activity. The key holds a SHA-256 of the secret, never the secret:
 * a rotated secret is a new key, hence a new credential, at once.
 * Least recently used first out (a Map iterates in insertion order).
 */
export class CredentialCache {
  private readonly entries = new Map<string, ClientSecretCredential>();

  constructor(
    private readonly max = CREDENTIAL_CACHE_SIZE,
    private readonly make: (app: AppCredential, endpoints: CloudEndpoints) => ClientSecretCredential = customerCredential,
  ) {}

  get(app: AppCredential, endpoints: CloudEndpoints): ClientSecretCredential {
    const fingerprint = hash("sha256", app.clientSecret, "base64url");
    const key = JSON.stringify([app.tenantId, app.clientId, endpoints.authorityHost, fingerprint]);
    let credential = this.entries.get(key);
    if (credential) this.entries.delete(key);
    else credential = this.make(app, endpoints);
    this.entries.set(key, credential);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return credential;
  }

  get size(): number {
    return this.entries.size;
  }
}

const shared = new CredentialCache();

/** The process's credential for this app and secret (see CredentialCache). */
export function sharedCustomerCredential(app: AppCredential, endpoints: CloudEndpoints): ClientSecretCredential {
  return shared.get(app, endpoints);
}
