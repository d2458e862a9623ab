import type { GraphObject } from "../types.js";
import type { GenContext } from "./context.js";
import { rngFor } from "./idCodec.js";
import { COMPANIES, DEPARTMENTS, FIRST_NAMES, GUEST_DOMAINS, JOB_TITLES, LAST_NAMES, PLACES } from "./names.js";
import { pastDate, pick } from "./random.js";
import { SKUS } from "./skus.js";

const PAIRS = FIRST_NAMES.length * LAST_NAMES.length;

/**
 * Name of user number n. A bijection on each block of PAIRS numbers, with the
 * block number as suffix, so UPNs never collide yet "adele.vance" and
 * "adele.vance1" both exist in tenants above PAIRS users.
 */
export function userName(n: number): { first: string; last: string; local: string } {
  const p = (n * 7919) % PAIRS;
  const first = FIRST_NAMES[p % FIRST_NAMES.length]!;
  const last = LAST_NAMES[Math.floor(p / FIRST_NAMES.length)]!;
  const block = Math.floor(n / PAIRS);
  return { first, last, local: `${first}.${last}${block > 0 ? block : ""}`.toLowerCase() };
}

/** User number n (base index, or past the base for added users). */
export function buildUser(ctx: GenContext, n: number, id: string): GraphObject {
  const rand = rngFor(id);
  const { first, last, local } = userName(n);
  const domain = ctx.tenant.domain;
  // Every 500th user mirrors the previous one as a guest: a look-alike #EXT# UPN.
  const mirror = n % 500 === 3 && n > 0;
  const guest = mirror || rand() < 0.05;
  const guestDomain = mirror ? domain : pick(rand, GUEST_DOMAINS);
  const guestLocal = mirror ? userName(n - 1).local : local;
  // Some UPNs keep the case people typed them in.
  const upnLocal = n % 250 === 11 ? `${first}.${last}${local.slice(`${first}.${last}`.length)}` : local;
  const upn = guest ? `${guestLocal}_${guestDomain}#EXT#@${domain}` : `${upnLocal}@${domain}`;
  const noMail = rand() < 0.05;
  const [country, city, usageLocation] = pick(rand, PLACES);
  const synced = !guest && rand() < 0.3;
  const licensed = !guest && rand() < 0.9;
  const licences = licensed ? SKUS.filter((s) => rand() < s.share).map((s) => ({ skuId: s.skuId, disabledPlans: [] })) : [];
  return {
    id,
    displayName: guest && mirror ? `${first} ${last} (Guest)` : `${first} ${last}`,
    givenName: first,
    surname: last,
    userPrincipalName: upn,
    mail: noMail ? null : guest ? `${guestLocal}@${guestDomain}` : `${local}@${domain}`,
    department: guest ? null : pick(rand, DEPARTMENTS),
    jobTitle: guest ? null : pick(rand, JOB_TITLES),
    companyName: guest ? null : pick(rand, COMPANIES),
    country,
    city,
    usageLocation,
    userType: guest ? "Guest" : "Member",
    accountEnabled: rand() >= 0.03,
    createdDateTime: pastDate(rand),
    onPremisesSyncEnabled: synced ? true : null,
    onPremisesImmutableId: synced ? Buffer.from(id.replace(/-/g, ""), "hex").toString("base64") : null,
    employeeId: guest ? null : `E${String(100000 + n)}`,
    assignedLicenses: licences,
  };
}
