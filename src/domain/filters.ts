import { hash } from "node:crypto";
import { z } from "zod";
import type { GraphObject } from "./graph-object.js";

const guid = z.uuid();

const USER_ATTRIBUTES = {
  upn: "userPrincipalName",
  mail: "mail",
  department: "department",
  companyName: "companyName",
  country: "country",
  userType: "userType",
  accountEnabled: "accountEnabled",
} as const;

export const userAttributeRule = z
  .object({
    attribute: z.enum(Object.keys(USER_ATTRIBUTES) as [keyof typeof USER_ATTRIBUTES, ...Array<keyof typeof USER_ATTRIBUTES>]),
    op: z.enum(["equals", "startsWith"]),
    value: z.union([z.string().min(1).max(256), z.boolean()]),
  })
  .strict();

export const filtersSchema = z
  .object({
    users: z
      .object({
        /** Keep users that are direct members of any of these groups. */
        memberOfGroupIds: z.array(guid).max(50).optional(),
        /** Keep users matching every rule. */
        attributes: z.array(userAttributeRule).max(20).optional(),
      })
      .strict()
      .optional(),
    groups: z
      .object({
        ids: z.array(guid).max(500).optional(),
        namePrefixes: z.array(z.string().min(1).max(256)).max(50).optional(),
        excludeOnPremSynced: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type Filters = z.infer<typeof filtersSchema>;

/** Decides per object whether it is in scope; built once per stream. */
export interface ScopeCheck {
  inScope(o: GraphObject): boolean;
}

const lower = (v: unknown): string => (typeof v === "string" ? v.toLowerCase() : String(v));

function matchesRule(o: GraphObject, rule: z.infer<typeof userAttributeRule>): boolean {
  const actual = o[USER_ATTRIBUTES[rule.attribute]];
  if (actual === undefined || actual === null) return false;
  if (typeof rule.value === "boolean") return actual === rule.value;
  // Entra matches directory strings without regard to case.
  return rule.op === "equals" ? lower(actual) === lower(rule.value) : lower(actual).startsWith(lower(rule.value));
}

export function userScope(f: Filters["users"], allowedIds: ReadonlySet<string> | undefined): ScopeCheck {
  return {
    inScope(o) {
      if (allowedIds && !allowedIds.has(o.id)) return false;
      return (f?.attributes ?? []).every((r) => matchesRule(o, r));
    },
  };
}

export function groupScope(f: Filters["groups"]): ScopeCheck {
  const ids = f?.ids?.length ? new Set(f.ids.map((i) => i.toLowerCase())) : undefined;
  const prefixes = f?.namePrefixes?.map((p) => p.toLowerCase());
  return {
    inScope(o) {
      if (f?.excludeOnPremSynced && o.onPremisesSyncEnabled === true) return false;
      const byId = ids?.has(o.id.toLowerCase());
      const byName = prefixes?.some((p) => lower(o.displayName ?? "").startsWith(p));
      // With both lists, either admits the group.
      if (ids || prefixes) return Boolean(byId || byName);
      return true;
    },
  };
}

export const everything: ScopeCheck = { inScope: () => true };

/** A stable fingerprint of what decides scope; when it changes, the next run is a full scan. */
export function scopeHash(parts: unknown): string {
  return hash("sha256", JSON.stringify(parts ?? null), "base64url").slice(0, 22);
}
