import type { ObjectStore } from "../store/object-store.js";

const MAX_LISTED = 20;

/**
 * What downstream products trip over (seeds: Sophos needs a mail per user;
 * duplicate UPNs and mails break matching). Reads the stored users once.
 */
export async function userWarnings(objects: ObjectStore): Promise<string[]> {
  let withoutMail = 0;
  const upns = new Map<string, number>();
  const mails = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for await (const u of objects.list("users")) {
    const mail = u.data.mail;
    if (typeof mail !== "string" || mail === "") withoutMail++;
    else bump(mails, mail.toLowerCase());
    const upn = u.data.userPrincipalName;
    if (typeof upn === "string") bump(upns, upn.toLowerCase());
  }
  const dupes = (m: Map<string, number>) => [...m.entries()].filter(([, n]) => n > 1).map(([k]) => k);
  const out: string[] = [];
  if (withoutMail > 0) out.push(`${withoutMail} user(s) without mail`);
  const dupUpn = dupes(upns);
  if (dupUpn.length > 0) out.push(`duplicate userPrincipalName: ${dupUpn.slice(0, MAX_LISTED).join(", ")}${dupUpn.length > MAX_LISTED ? ` and ${dupUpn.length - MAX_LISTED} more` : ""}`);
  const dupMail = dupes(mails);
  if (dupMail.length > 0) out.push(`duplicate mail: ${dupMail.slice(0, MAX_LISTED).join(", ")}${dupMail.length > MAX_LISTED ? ` and ${dupMail.length - MAX_LISTED} more` : ""}`);
  return out;
}
