import type { ApiCall } from "../call.js";
import { parseSelect, project } from "../select.js";
import { decodeToken, encodeToken } from "../tokens.js";
import type { GraphObject } from "../types.js";

const PATH = "/v1.0/oauth2PermissionGrants/delta";
const PAGE = 100;

/**
 * GET /oauth2PermissionGrants/delta (api-reference/v1.0/api/oauth2permissiongrant-delta.md):
 * a full round, then the consents added, changed or removed since the
 * deltaLink, removed ones as `@removed`. Round state is sealed in the tokens
 * (window "from:to" in the path, position in p).
 */
export function handleGrantDelta(call: ApiCall): void {
  const ex = call.directory.extras;
  const skip = call.query("skiptoken");
  const delta = call.query("deltatoken");
  let from = -1;
  let to = ex.grantSeq;
  let pos = 0;
  let select = parseSelect(call.query("select"));
  const raw = skip ?? delta;
  if (raw) {
    if ((skip || delta) && call.query("select")) return call.fail(400, "Request_BadRequest", "$select is not allowed on a nextLink or deltaLink.");
    const tok = decodeToken(raw);
    const m = tok?.k === "list" && tok.t === call.tenant.tenantId ? /^grantDelta#(-?\d+):(\d+)$/.exec(tok.path) : null;
    if (!tok || tok.k !== "list" || !m) return call.fail(400, "Request_BadRequest", "Invalid token.");
    select = tok.s;
    if (skip) {
      from = Number(m[1]);
      to = Number(m[2]);
      pos = tok.p;
    } else from = Number(m[2]);
  }
  let items: GraphObject[];
  if (from < 0) items = ex.grants();
  else {
    if (!skip) to = ex.grantSeq;
    const { live, removed } = ex.grantChanges(from, to);
    items = [...live, ...removed.map((id): GraphObject => ({ id, "@removed": { reason: "deleted" } }))];
  }
  const end = Math.min(items.length, pos + PAGE);
  const value = items.slice(pos, end).map((o) => ("@removed" in o ? o : project(o, select)));
  const body: Record<string, unknown> = { "@odata.context": call.context("oauth2PermissionGrants", select), value };
  if (end < items.length) {
    body["@odata.nextLink"] = call.link(PATH, { $skiptoken: encodeToken({ k: "list", t: call.tenant.tenantId, path: `grantDelta#${from}:${to}`, s: select, top: PAGE, p: end }) });
  } else {
    body["@odata.deltaLink"] = call.link(PATH, { $deltatoken: encodeToken({ k: "list", t: call.tenant.tenantId, path: `grantDelta#${from}:${to}`, s: select, top: PAGE, p: 0 }) });
  }
  call.ok(body);
}
