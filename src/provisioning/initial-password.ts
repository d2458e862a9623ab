import { hash, randomInt } from "node:crypto";

const SETS = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#$%&*+-=?@"];

/**
 * A 20-character password with every character class, above Entra's
 * default policy (8–256 characters, three of four classes:
 * entra-docs identity/authentication/concept-password-ban-bad-combined-policy.md).
 */
export function generatePassword(): string {
  const chars = SETS.map((s) => s[randomInt(s.length)]!);
  const all = SETS.join("");
  while (chars.length < 20) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}

/** Key Vault secret names: 1–127 of 0-9, a-z, A-Z and "-" (key-vault/general/about-keys-secrets-certificates.md). */
const prefix = (tenantId: string) => `ipw-${tenantId}-`;

/** The secret holding a new user's initial password: one per tenant and UPN, so a repeated create finds it. */
export function initialPasswordSecret(tenantId: string, userPrincipalName: string): string {
  return `${prefix(tenantId)}${hash("sha256", userPrincipalName.toLowerCase(), "hex").slice(0, 32)}`;
}

export function isInitialPasswordSecret(tenantId: string, name: string): boolean {
  return new RegExp(`^${prefix(tenantId)}[0-9a-f]{32}$`).test(name);
}

/** Days the initial password stays readable in Key Vault. */
export const INITIAL_PASSWORD_DAYS = 7;
