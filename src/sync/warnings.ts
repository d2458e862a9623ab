import { createHash } from "node:crypto";
import type { ObjectStore } from "../store/object-store.js";

const MAX_LISTED = 20;

/** 48 bits of a value's hash: a number key keeps the counting maps small for 500k users. */
const key = (value: string): number => createHash("sha1").update(value).digest().readUIntBE(0, 6);

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
  const upns = new Map<number, number>();
  const mails = new Map<number, number>();
  const bump = (m: Map<number, number>, v: string) => {
    const k = key(v);
    m.set(k, (m.get(k) ?? 0) + 1);
  };
  for await (const u of objects.list("users")) {
    const mail = u.data.mail;
    if (typeof mail !== "string" || mail === "") withoutMail++;
    else bump(mails, mail.toLowerCase());
    if (typeof u.data.userPrincipalName === "string") bump(upns, u.data.userPrincipalName.toLowerCase());
  }
  const twice = (m: Map<number, number>) => new Set([...m].filter(([, n]) => n > 1).map(([k]) => k));
  const dupUpn = twice(upns);
  const dupMail = twice(mails);
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
