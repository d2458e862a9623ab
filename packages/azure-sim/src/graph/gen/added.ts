import { stableGuid } from "../../ids.js";
import type { GraphObject } from "../types.js";
import { buildAdministrativeUnit } from "./administrativeUnits.js";
import { buildGeneratedApp } from "./applications.js";
import type { GenContext } from "./context.js";
import { buildDevice } from "./devices.js";
import { buildGroup, type GroupKind } from "./groups.js";
import { buildExtraServicePrincipal } from "./servicePrincipals.js";
import { buildUser } from "./users.js";

/** Types whose objects mutations add and delete. */
export type AddableType = "users" | "groups" | "devices" | "applications" | "servicePrincipals" | "administrativeUnits";

/** Object number `n` of `type` added by a mutation (the serial-th of its type), built as generated ones are. */
export function buildAdded(gen: GenContext, type: AddableType, n: number, id: string, serial: number, groupKind: GroupKind): GraphObject {
  if (type === "users") return buildUser(gen, n, id);
  if (type === "groups") return buildGroup(gen, n, id, groupKind, false);
  if (type === "devices") return buildDevice(gen, n, id);
  if (type === "applications") return buildGeneratedApp(gen, n, id, stableGuid(gen.seed, "appIds", "added", serial));
  if (type === "servicePrincipals") return buildExtraServicePrincipal(gen, n, id);
  return buildAdministrativeUnit(n, id);
}
