import type { ApiCall } from "./call.js";
import { deltaPage, type DeltaCursor } from "./delta.js";
import { parseSelect } from "./select.js";
import { decodeToken, encodeToken, type DeltaToken, type PageToken } from "./tokens.js";
import type { DeltaType } from "./types.js";

/** Checks a delta token's seal; answers the client and returns false when the token no longer holds. */
function tokenHolds(call: ApiCall, type: DeltaType, tok: PageToken | DeltaToken, lastSeq: number): boolean {
  const { env, tenant } = call;
  if (tok.t !== tenant.tenantId || tok.r !== type) {
    call.fail(400, "Request_BadRequest", "The delta token does not belong to this request.");
    return false;
  }
  const stale = tok.n !== env.state.instance || lastSeq > tenant.directory.seq;
  const verdict = stale ? "expire" : env.state.tokens.check(tenant.tenantId, tok.e, tok.iat, env.now());
  if (verdict === "expire") {
    call.fail(400, "syncStateNotFound", "The sync state generation is not found. Delta tokens older than 7 days or from a reset sync state cannot be used; start a full sync.");
    return false;
  }
  if (verdict === "reset") {
    call.fail(410, "resyncRequired", "Resync required. Replace any local cached data with a full delta sync.", {
      Location: call.link(`/v1.0/${type}/delta`, { $deltatoken: "" }),
    });
    return false;
  }
  return true;
}

/** GET /v1.0/{type}/delta: a full round, the next page, or the changes after a deltaLink. */
export function handleDelta(call: ApiCall, type: DeltaType): void {
  const { env, tenant } = call;
  const dir = tenant.directory;
  const skip = call.query("skiptoken");
  const deltaToken = call.query("deltatoken");
  const seal = () => ({ t: tenant.tenantId, n: env.state.instance, e: env.state.tokens.current(tenant.tenantId), iat: env.now() });
  const deltaLink = (select: readonly string[] | null, seq: number) =>
    call.link(`/v1.0/${type}/delta`, { $deltatoken: encodeToken({ k: "delta", ...seal(), r: type, s: select ? [...select] : null, seq }) });

  let cur: DeltaCursor;
  if (skip) {
    const tok = decodeToken(skip);
    if (tok?.k !== "page") return call.fail(400, "Request_BadRequest", "Invalid $skiptoken.");
    if (!tokenHolds(call, type, tok, tok.to)) return;
    cur = { type, select: tok.s, from: tok.f, to: tok.to, pos: tok.p, m: tok.m };
  } else if (deltaToken === "latest") {
    // "Changes from now on": no objects, just the link.
    const select = parseSelect(call.query("select"));
    return call.ok({ "@odata.context": call.context(type, select), value: [], "@odata.deltaLink": deltaLink(select, dir.seq) });
  } else if (deltaToken) {
    const tok = decodeToken(deltaToken);
    if (tok?.k !== "delta") return call.fail(400, "Request_BadRequest", "Invalid $deltatoken.");
    if (!tokenHolds(call, type, tok, tok.seq)) return;
    cur = { type, select: tok.s, from: tok.seq, to: dir.seq, pos: 0, m: 0 };
  } else {
    cur = { type, select: parseSelect(call.query("select")), from: -1, to: dir.seq, pos: 0, m: 0 };
  }

  const page = deltaPage(dir, cur, { objects: env.caps.deltaObjects, links: env.caps.deltaLinks });
  const body: Record<string, unknown> = { "@odata.context": call.context(type, cur.select) };
  if (page.next) {
    const n = page.next;
    const tok: PageToken = { k: "page", ...seal(), r: type, s: n.select ? [...n.select] : null, f: n.from, to: n.to, p: n.pos, m: n.m };
    body["@odata.nextLink"] = call.link(`/v1.0/${type}/delta`, { $skiptoken: encodeToken(tok) });
  } else {
    body["@odata.deltaLink"] = deltaLink(cur.select, cur.to);
  }
  body.value = page.value;
  call.ok(body);
}
