import { hash } from "node:crypto";
import type { ObjectStore } from "../store/object-store.js";

const MAX_LISTED = 20;

/** 48 bits of a value's hash: a number key keeps the count small for 500k users. */
const key = (value: string): number => Number.parseInt(hash("sha1", value, "hex").slice(0, 12), 16);

/**
 * Every key of one property in a growing Float64Array, 8 bytes each and off
 * the V8 heap; sorted once, equal neighbours are the repeated keys. A Map of
 * counts held 21.8 MB for 500k keys, and the two of them were the highest
 * heap of a 500k sync (README, "Memory and size").
 */
class KeyList {
  private keys = new Float64Array(256);
  private n = 0;

  add(k: number): void {
    if (this.n === this.keys.length) {
      const grown = new Float64Array(this.n * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.keys[this.n++] = k;
  }

  repeated(): Set<number> {
    const sorted = this.keys.subarray(0, this.n).sort();
    const out = new Set<number>();
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) out.add(sorted[i] ?? 0);
    return out;
  }
}

function describe(label: string, names: readonly string[], total: number): string {
  return `duplicate ${label}: ${names.join(", ")}${total > names.length ? ` and ${total - names.length} more` : ""}`;
}

/**
 * What downstream products trip over (seeds: Sophos needs a mail per user;
 * duplicate UPNs and mails break matching). Two passes over the stored
 * users, reading two properties: counts by hash, then names of the values
 * counted twice, so memory does not hold every UPN.
 */
export async function userWarnings(objects: ObjectStore): Promise<string[]> {
  let withoutMail = 0;
  const upns = new KeyList();
  const mails = new KeyList();
  for await (const u of objects.list("users")) {
    const mail = u.data.mail;
    if (typeof mail !== "string" || mail === "") withoutMail++;
    else mails.add(key(mail.toLowerCase()));
    if (typeof u.data.userPrincipalName === "string") upns.add(key(u.data.userPrincipalName.toLowerCase()));
  }
  const dupUpn = upns.repeated();
  const dupMail = mails.repeated();
  const upnNames = new Set<string>();
  const mailNames = new Set<string>();
  if (dupUpn.size + dupMail.size > 0) {
    for await (const u of objects.list("users")) {
      const upn = typeof u.data.userPrincipalName === "string" ? u.data.userPrincipalName.toLowerCase() : undefined;
      const mail = typeof u.data.mail === "string" && u.data.mail !== "" ? u.data.mail.toLowerCase() : undefined;
      if (upn && upnNames.size < MAX_LISTED && dupUpn.has(key(upn))) upnNames.add(upn);
      if (mail && mailNames.size < MAX_LISTED && dupMail.has(key(mail))) mailNames.add(mail);
    }
  }
  const out: string[] = [];
  if (withoutMail > 0) out.push(`${withoutMail} user(s) without mail`);
  if (dupUpn.size > 0) out.push(describe("userPrincipalName", [...upnNames], dupUpn.size));
  if (dupMail.size > 0) out.push(describe("mail", [...mailNames], dupMail.size));
  return out;
}
