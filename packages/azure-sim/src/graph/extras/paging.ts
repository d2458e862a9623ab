import type { ApiCall } from "../call.js";
import { parseSelect, project } from "../select.js";
import { decodeToken, encodeToken } from "../tokens.js";
import type { GraphObject } from "../types.js";

export interface PageOptions {
  /** Page size without $top; Graph's own for the resource. */
  readonly defaultTop: number;
  readonly maxTop: number;
  /** Query options sealed with the cursor and repeated on the nextLink ($filter). */
  readonly sealed?: Record<string, string>;
}

/**
 * A derived type in a collection of its base type (directoryObjects) keeps
 * its `@odata.type` whatever `$select` names: the type cannot be inferred
 * from the context URL (OData JSON Format 4.01, "Control Information: type").
 */
function typed(o: GraphObject, projected: GraphObject): GraphObject {
  const t = o["@odata.type"];
  return t === undefined ? projected : { "@odata.type": t, ...projected };
}

/**
 * Serves `items` page by page: $top checked, $select projected, the cursor
 * sealed in a $skiptoken bound to the path and its sealed options (a
 * nextLink from another query is refused, as Graph refuses it).
 */
export function sendArrayPage(call: ApiCall, path: string, fragment: string, items: readonly GraphObject[], opts: PageOptions): void {
  const sealedKey = JSON.stringify(opts.sealed ?? {});
  const key = `${path}#${sealedKey}`;
  const skip = call.query("skiptoken");
  let pos = 0;
  let top: number;
  let select: string[] | null;
  if (skip) {
    const tok = decodeToken(skip);
    if (tok?.k !== "list" || tok.t !== call.tenant.tenantId || tok.path !== key) return call.fail(400, "Request_BadRequest", "Invalid $skiptoken.");
    ({ p: pos, top, s: select } = tok);
  } else {
    const rawTop = call.query("top");
    top = rawTop === null ? opts.defaultTop : Number(rawTop);
    if (!Number.isInteger(top) || top < 1 || top > opts.maxTop) {
      return call.fail(400, "Request_BadRequest", `Invalid page size specified: '${rawTop ?? ""}'. Must be between 1 and ${opts.maxTop} inclusive.`);
    }
    select = parseSelect(call.query("select"));
  }
  const end = Math.min(items.length, pos + top);
  const body: Record<string, unknown> = { "@odata.context": call.context(fragment, select), value: items.slice(pos, end).map((o) => typed(o, project(o, select))) };
  if (end < items.length) {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.sealed ?? {})) params[k] = encodeURIComponent(v);
    params["$skiptoken"] = encodeToken({ k: "list", t: call.tenant.tenantId, path: key, s: select, top, p: end });
    body["@odata.nextLink"] = call.link(path, params);
  }
  call.ok(body);
}
