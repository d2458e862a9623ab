import { effectiveAccess } from "../../access/effective-access.js";
import { isGuid } from "../../tenants/resolve-tenant.js";
import { RequestError } from "../errors.js";
import { route } from "../route.js";
import { loadTenant } from "../tenant-param.js";

export const accessRoutes = [
  route({
    name: "principalAccess",
    method: "GET",
    path: "tenants/{id}/principals/{objectId}/access",
    access: "reader",
    summary: "Effective access of a user, group or service principal: directory roles active and eligible, app roles (direct and through groups), licences",
    responses: { 200: "Its roles, app roles and licences", 404: "No such tenant or principal (PrincipalNotFound)" },
    async handler({ deps, params }) {
      const { value: t } = await loadTenant(deps, params.id);
      const id = (params.objectId ?? "").toLowerCase();
      const answer = isGuid(id) ? await effectiveAccess(deps.services.objects(t.id), deps.services.members(t.id), id) : undefined;
      if (!answer) throw new RequestError(404, "PrincipalNotFound", `No live user, group or service principal '${params.objectId ?? ""}' is stored for this tenant.`);
      return { status: 200, jsonBody: answer };
    },
  }),
];
