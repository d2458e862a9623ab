import type { ApiCall } from "./call.js";
import { notFoundMessage } from "./errors.js";
import type { MemberView } from "./memberLinks.js";
import { unknownPropertyMessage, unknownSelect } from "./properties.js";
import { parseSelect, project } from "./select.js";
import { decodeToken, encodeToken, type ListToken } from "./tokens.js";
import type { ContainerType, GraphObject, ObjectType } from "./types.js";
import { odataType } from "./types.js";

interface ListStart {
  readonly select: string[] | null;
  readonly top: number;
  readonly pos: number;
}

/** `$select` of a request on one type; undefined after refusing a name the v1.0 type lacks with Graph's 400. */
function typedSelect(call: ApiCall, type: ObjectType | null): string[] | null | undefined {
  const select = parseSelect(call.query("select"));
  const unknown = type !== null && call.env.state.behaviours.get(call.tenant.tenantId).refuseUnknownSelect ? unknownSelect(type, select) : undefined;
  if (unknown === undefined || type === null) return select;
  call.fail(400, "BadRequest", unknownPropertyMessage(type, unknown));
  return undefined;
}

/** $select/$top of a first request, or the state sealed in its $skiptoken; undefined after answering an error. */
function listStart(call: ApiCall, path: string, type: ObjectType | null): ListStart | undefined {
  const skip = call.query("skiptoken");
  if (skip) {
    const tok = decodeToken(skip);
    if (tok?.k !== "list" || tok.t !== call.tenant.tenantId || tok.path !== path) {
      call.fail(400, "Request_BadRequest", "Invalid $skiptoken.");
      return undefined;
    }
    return { select: tok.s, top: tok.top, pos: tok.p };
  }
  const { listDefaultTop, listMaxTop } = call.env.caps;
  const rawTop = call.query("top");
  const top = rawTop === null ? listDefaultTop : Number(rawTop);
  if (!Number.isInteger(top) || top < 1 || top > listMaxTop) {
    call.fail(400, "Request_BadRequest", `Invalid page size specified: '${rawTop ?? ""}'. Must be between 1 and ${listMaxTop} inclusive.`);
    return undefined;
  }
  const select = typedSelect(call, type);
  return select === undefined ? undefined : { select, top, pos: 0 };
}

function sendPage(call: ApiCall, path: string, fragment: string, start: ListStart, value: GraphObject[], next: number | null): void {
  const body: Record<string, unknown> = { "@odata.context": call.context(fragment, start.select), value };
  if (next !== null) {
    const tok: ListToken = { k: "list", t: call.tenant.tenantId, path, s: start.select, top: start.top, p: next };
    body["@odata.nextLink"] = call.link(path, { $skiptoken: encodeToken(tok) });
  }
  call.ok(body);
}

/** GET /v1.0/{type}: live objects, $top per page. */
export function handleList(call: ApiCall, type: ObjectType): void {
  const path = `/v1.0/${type}`;
  const start = listStart(call, path, type);
  if (!start) return;
  const table = call.directory.table(type);
  const end = table.end;
  const value: GraphObject[] = [];
  let pos = start.pos;
  while (value.length < start.top && pos < end) {
    const o = table.at(pos++);
    if (o) value.push(project(o, start.select));
  }
  sendPage(call, path, type, start, value, pos < end ? pos : null);
}

/** GET /v1.0/{type}/{id} */
export function handleGet(call: ApiCall, type: ObjectType, id: string): void {
  const o = call.directory.get(type, id);
  if (!o) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(id));
  const select = typedSelect(call, type);
  if (select === undefined) return;
  call.ok({ "@odata.context": `${call.context(type, select)}/$entity`, ...project(o, select) });
}

/** GET /v1.0/applications(appId='…') */
export function handleAppByAppId(call: ApiCall, appId: string): void {
  const o = call.directory.applicationByAppId(appId);
  if (!o) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(appId));
  const select = typedSelect(call, "applications");
  if (select === undefined) return;
  call.ok({ "@odata.context": `${call.context("applications", select)}/$entity`, ...project(o, select) });
}

export function handleOrganization(call: ApiCall): void {
  const select = parseSelect(call.query("select"));
  call.ok({ "@odata.context": call.context("organization", select), value: [project(call.directory.organization(), select)] });
}

/** GET /v1.0/groups/{id}/members and /v1.0/directoryRoles/{id}/members */
export function handleMembers(call: ApiCall, type: ContainerType, id: string): void {
  const dir = call.directory;
  if (!dir.get(type, id)) return call.fail(404, "Request_ResourceNotFound", notFoundMessage(id));
  const path = `/v1.0/${type}/${id}/members`;
  // Members are directoryObjects of several types: $select is not checked against one.
  const start = listStart(call, path, null);
  if (!start) return;
  const links: MemberView = dir.links(type);
  const { members, next } = links.slice(id, start.pos, start.top);
  const value: GraphObject[] = [];
  for (const m of members) {
    const o = dir.get(m.kind === "user" ? "users" : m.kind === "group" ? "groups" : "devices", m.id);
    if (o) value.push({ "@odata.type": odataType(m.kind), ...project(o, start.select) });
  }
  sendPage(call, path, "directoryObjects", start, value, next);
}
