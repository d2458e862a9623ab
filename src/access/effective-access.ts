import type { Json } from "../domain/graph-object.js";
import { textOf } from "../domain/text.js";
import type { MemberStore } from "../store/member-store.js";
import type { ObjectStore } from "../store/object-store.js";
import { assignmentsOf } from "../query/membership/expand.js";
import { memberOf } from "../query/membership/member-of.js";

/** The principal types Graph assigns roles and app roles to (api-reference/v1.0/resources/unifiedroleassignment.md, approleassignment.md). */
const PRINCIPAL_TYPES = ["users", "groups", "servicePrincipals"] as const;

type Obj = Record<string, Json>;
interface Via {
  readonly id: string;
  readonly displayName: string | null;
}
type Scope = { readonly kind: "tenant" } | { readonly kind: "administrativeUnit"; readonly id: string; readonly displayName: string | null } | { readonly kind: "other"; readonly id: string };

const AU_SCOPE = /^\/administrativeUnits\/([^/]+)$/;

const list = (v: Json | undefined): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x)) : []);

/**
 * A principal's effective access from the copy: directory roles active and
 * eligible, app roles, and (for a user) licences. Through groups means the
 * groups it is a direct member of: role-assignable groups take no nested
 * groups ("Group nesting isn't supported",
 * entra/identity/role-based-access-control/groups-concept.md), and app roles
 * assigned to a group reach only its direct members ("The assignment
 * doesn't cascade to nested groups",
 * entra/identity/enterprise-apps/assign-user-or-group-access-portal.md).
 */
export async function effectiveAccess(objects: ObjectStore, members: MemberStore, principalId: string) {
  let type: (typeof PRINCIPAL_TYPES)[number] | undefined;
  let principal: Obj | undefined;
  for (const t of PRINCIPAL_TYPES) {
    const row = await objects.get(t, principalId);
    if (row) {
      type = t;
      principal = row.data;
      break;
    }
  }
  if (!type || !principal) return undefined;

  const groupIds = (await memberOf(members, principalId, false)).items.filter((i) => i.type === "group").map((i) => i.id);
  const groups = await objects.metaOf("groups", groupIds, true);
  const viaOf = (pid: string): Via | null => (pid === principalId ? null : { id: pid, displayName: textOf(groups.get(objects.rowKeyOf(pid))?.data?.displayName) || null });
  const holders = new Set([principalId, ...groupIds]);

  const definitions = new Map<string, string>();
  for await (const d of objects.list("roleDefinitions")) {
    definitions.set(d.id, textOf(d.data.displayName));
    const template = textOf(d.data.templateId);
    if (template) definitions.set(template, textOf(d.data.displayName));
  }
  const units = new Map<string, string | null>();
  const scopeOf = async (raw: string): Promise<Scope> => {
    if (raw === "/" || raw === "") return { kind: "tenant" };
    const m = AU_SCOPE.exec(raw);
    if (!m?.[1]) return { kind: "other", id: raw };
    const id = m[1];
    if (!units.has(id)) units.set(id, textOf((await objects.get("administrativeUnits", id))?.data.displayName) || null);
    return { kind: "administrativeUnit", id, displayName: units.get(id) ?? null };
  };
  const role = async (a: Obj) => {
    const pid = textOf(a.principalId).toLowerCase();
    const def = textOf(a.roleDefinitionId);
    return {
      id: textOf(a.id),
      roleDefinitionId: def,
      roleName: definitions.get(def) ?? null,
      scope: await scopeOf(textOf(a.directoryScopeId, "/")),
      direct: pid === principalId,
      via: viaOf(pid),
    };
  };
  const byId = <T extends { id: string }>(xs: T[]) => xs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const active = await Promise.all((await assignmentsOf(objects, "roleAssignments", holders)).map(role));
  const eligible = await Promise.all(
    (await assignmentsOf(objects, "roleEligibilities", holders)).map(async (a) => ({
      ...(await role(a)),
      startDateTime: a.startDateTime ?? null,
      endDateTime: a.endDateTime ?? null,
      memberType: a.memberType ?? null,
    })),
  );
  const appRoles = (await assignmentsOf(objects, "appRoleAssignments", holders)).map((a) => {
    const pid = textOf(a.principalId).toLowerCase();
    return {
      id: textOf(a.id),
      resourceId: textOf(a.resourceId),
      resourceDisplayName: a.resourceDisplayName ?? null,
      appRoleId: textOf(a.appRoleId),
      // The all-zero ID is the default access role of an app that defines none (api-reference/v1.0/resources/approleassignment.md).
      appRoleName: textOf(a.appRoleId) === "00000000-0000-0000-0000-000000000000" ? "Default Access" : null,
      direct: pid === principalId,
      via: viaOf(pid),
    };
  });

  return {
    principal: { id: principalId, type: type.replace(/s$/, ""), displayName: principal.displayName ?? null },
    directoryRoles: { active: byId(active), eligible: byId(eligible) },
    appRoleAssignments: byId(appRoles),
    licences: type === "users" ? await licencesOf(objects, principal) : [],
  };
}

/** The user's assignedLicenses with each SKU's part number and its disabled plans' names, from the stored subscribedSkus. */
async function licencesOf(objects: ObjectStore, user: Obj) {
  const skus = new Map<string, Obj>();
  for await (const s of objects.list("subscribedSkus")) skus.set(textOf(s.data.skuId).toLowerCase(), s.data);
  return list(user.assignedLicenses).map((l) => {
    const skuId = textOf(l.skuId).toLowerCase();
    const sku = skus.get(skuId);
    const plans = new Map(list(sku?.servicePlans).map((p) => [textOf(p.servicePlanId).toLowerCase(), textOf(p.servicePlanName)]));
    const disabled = Array.isArray(l.disabledPlans) ? l.disabledPlans.map((p) => textOf(p).toLowerCase()) : [];
    return {
      skuId,
      skuPartNumber: sku ? textOf(sku.skuPartNumber) : null,
      disabledPlans: disabled.map((id) => ({ servicePlanId: id, servicePlanName: plans.get(id) || null })),
    };
  });
}
