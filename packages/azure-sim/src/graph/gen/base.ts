import type { SimApp } from "../../model.js";
import type { BaseMembers } from "../memberLinks.js";
import type { GraphObject, MemberKind, MemberRef, ObjectType } from "../types.js";
import { buildAdministrativeUnit } from "./administrativeUnits.js";
import { buildFixedApp, buildGeneratedApp, generatedAppName } from "./applications.js";
import type { BaseSource, GenContext } from "./context.js";
import { buildDevice } from "./devices.js";
import { buildGroup, GroupPlan } from "./groups.js";
import { IdCodec } from "./idCodec.js";
import { buildRole, planRoleMembers, ROLE_TEMPLATES } from "./roles.js";
import { buildAppServicePrincipal, buildExtraServicePrincipal } from "./servicePrincipals.js";
import { buildSku, SKUS, skuObjectId } from "./skus.js";
import { buildUser } from "./users.js";

/** Member kinds as object types. */
export const KIND_TYPE = { user: "users", group: "groups", device: "devices" } as const satisfies Record<MemberKind, ObjectType>;

/** Everything generated for one tenant, wired for the Directory. */
export interface GeneratedBase {
  readonly sources: Record<ObjectType, BaseSource>;
  readonly plan: GroupPlan;
  readonly groupMembers: BaseMembers;
  readonly roleMembers: BaseMembers;
  /** ID of generated group g (the large group is g = 0). */
  groupId(g: number): string;
  /** Index of an application by appId, for generated apps. */
  appIndexByAppId(appId: string): number | undefined;
}

function codecSource(codec: IdCodec, count: number, build: (i: number, id: string) => GraphObject): BaseSource {
  return { count, idAt: (i) => codec.id(i), build, indexOf: (id) => codec.index(id, count) };
}

export function generateBase(gen: GenContext, apps: readonly SimApp[]): GeneratedBase {
  const { seed, spec } = gen;
  const codec = (ns: string) => new IdCodec(seed, ns);
  const c = {
    users: codec("users"),
    groups: codec("groups"),
    devices: codec("devices"),
    applications: codec("applications"),
    appIds: codec("appIds"),
    servicePrincipals: codec("servicePrincipals"),
    directoryRoles: codec("directoryRoles"),
    administrativeUnits: codec("administrativeUnits"),
  };
  const plan = new GroupPlan(gen, c.groups, spec.users, spec.devices);
  const fixed = apps.length;
  const appCount = fixed + spec.applications;
  const appIdAt = (i: number) => (i < fixed ? apps[i]!.clientId : c.appIds.id(i));
  const appNameAt = (i: number) => (i < fixed ? apps[i]!.displayName : generatedAppName(c.applications.id(i), i));
  const counts: Record<MemberKind, number> = { user: spec.users, group: spec.groups, device: spec.devices };
  const memberIndex = (m: MemberRef) => c[KIND_TYPE[m.kind]].index(m.id, counts[m.kind]);

  const sources: Record<ObjectType, BaseSource> = {
    users: codecSource(c.users, spec.users, (i, id) => buildUser(gen, i, id)),
    groups: codecSource(c.groups, spec.groups, (i, id) => buildGroup(gen, i, id, plan.kind(i), plan.memberDevices[i] === 1)),
    devices: codecSource(c.devices, spec.devices, (i, id) => buildDevice(gen, i, id)),
    applications: {
      count: appCount,
      idAt: (i) => (i < fixed ? apps[i]!.objectId : c.applications.id(i)),
      // Fixed apps are read live: their secrets change under the registry.
      build: (i, id) => (i < fixed ? buildFixedApp(apps[i]!) : buildGeneratedApp(gen, i, id, appIdAt(i))),
      indexOf: (id) => {
        const f = apps.findIndex((a) => a.objectId === id);
        if (f >= 0) return f;
        const i = c.applications.index(id, appCount);
        return i !== undefined && i >= fixed ? i : undefined;
      },
    },
    servicePrincipals: codecSource(c.servicePrincipals, appCount + spec.extraServicePrincipals, (i, id) =>
      i < appCount ? buildAppServicePrincipal(gen, id, appIdAt(i), appNameAt(i)) : buildExtraServicePrincipal(gen, i - appCount, id),
    ),
    directoryRoles: codecSource(c.directoryRoles, ROLE_TEMPLATES.length, (i, id) => buildRole(i, id)),
    subscribedSkus: {
      count: SKUS.length,
      idAt: (i) => skuObjectId(gen, i),
      build: (i, id) => buildSku(gen, i, id),
      indexOf: (id) => {
        const i = SKUS.findIndex((_, k) => skuObjectId(gen, k) === id);
        return i >= 0 ? i : undefined;
      },
    },
    administrativeUnits: codecSource(c.administrativeUnits, spec.administrativeUnits, (i, id) => buildAdministrativeUnit(i, id)),
  };

  const groupMembers: BaseMembers = {
    total: plan.totalLinks,
    indexOf: (id) => c.groups.index(id, plan.count),
    idOf: (g) => c.groups.id(g),
    count: (g) => plan.baseCount(g),
    at: (g, k) => {
      const m = plan.memberAt(g, k);
      return m && { id: c[KIND_TYPE[m.kind]].id(m.index), kind: m.kind };
    },
    has: (g, member) => {
      const i = memberIndex(member);
      return i !== undefined && plan.has(g, member.kind, i);
    },
    holding: (member) => {
      const i = memberIndex(member);
      return i === undefined ? [] : plan.groupsHolding(member.kind, i);
    },
  };

  const roleAssignable = plan.count > 6 && plan.kind(6) === "roleAssignable" ? c.groups.id(6) : undefined;
  const roles = planRoleMembers(c.directoryRoles, c.users, spec.users, roleAssignable);
  const roleMembers: BaseMembers = {
    total: roles.reduce((n, m) => n + m.length, 0),
    indexOf: (id) => c.directoryRoles.index(id, roles.length),
    idOf: (r) => c.directoryRoles.id(r),
    count: (r) => roles[r]?.length ?? 0,
    at: (r, k) => roles[r]?.[k],
    has: (r, member) => roles[r]?.some((m) => m.id === member.id) ?? false,
    holding: (member) => roles.flatMap((list, r) => (list.some((m) => m.id === member.id) ? [r] : [])),
  };

  return {
    sources,
    plan,
    groupMembers,
    roleMembers,
    groupId: (g) => c.groups.id(g),
    appIndexByAppId: (appId) => {
      const i = c.appIds.index(appId, appCount);
      return i !== undefined && i >= fixed ? i : undefined;
    },
  };
}
