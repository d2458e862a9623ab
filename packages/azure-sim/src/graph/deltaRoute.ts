import type { ApiCall } from "./call.js";
import { deltaPage, type DeltaCursor, type DeltaMode } from "./delta.js";
import { unknownPropertyMessage, unknownSelect } from "./properties.js";
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

/** `Prefer: return=minimal` among the request's preferences (user-delta.md, group-delta.md). */
function prefersMinimal(call: ApiCall): boolean {
  const raw = call.req.headers.prefer;
  const values = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return values.some((v) => v.split(",").some((p) => p.trim().toLowerCase() === "return=minimal"));
}

/** The first request's $select, or undefined after refusing a name the v1.0 type lacks. */
function firstSelect(call: ApiCall, type: DeltaType): string[] | null | undefined {
  const select = parseSelect(call.query("select"));
  const unknown = call.env.state.behaviours.get(call.tenant.tenantId).refuseUnknownSelect ? unknownSelect(type, select) : undefined;
  if (unknown === undefined) return select;
  call.fail(400, "BadRequest", unknownPropertyMessage(type, unknown));
  return undefined;
}

/** GET /v1.0/{type}/delta: a full round, the next page, or the changes after a deltaLink. */
export function handleDelta(call: ApiCall, type: DeltaType): void {
  const { env, tenant } = call;
  const dir = tenant.directory;
  const behaviours = env.state.behaviours.get(tenant.tenantId);
  const skip = call.query("skiptoken");
  const deltaToken = call.query("deltatoken");
  const seal = () => ({ t: tenant.tenantId, n: env.state.instance, e: env.state.tokens.current(tenant.tenantId), iat: env.now() });
  const deltaLink = (select: readonly string[] | null, seq: number) =>
    call.link(`/v1.0/${type}/delta`, { $deltatoken: encodeToken({ k: "delta", ...seal(), r: type, s: select ? [...select] : null, seq }) });

  // The links already encode the query; "you only need to specify query parameters once upfront" (concepts/delta-query-overview.md).
  if ((skip || (deltaToken && deltaToken !== "latest")) && call.query("select") !== null && behaviours.refuseSelectOnLinks) {
    return call.fail(400, "Request_BadRequest", "$select is not supported with $skiptoken or $deltatoken: the nextLink and deltaLink already encode the query; use them as they are.");
  }

  const fresh = { gp: -1, gm: 0, gr: false, ph: 0 };
  let cur: DeltaCursor;
  if (skip) {
    const tok = decodeToken(skip);
    if (tok?.k !== "page") return call.fail(400, "Request_BadRequest", "Invalid $skiptoken.");
    if (!tokenHolds(call, type, tok, tok.to)) return;
    cur = { type, select: tok.s, from: tok.f, to: tok.to, pos: tok.p, gp: tok.gp, gm: tok.gm, gr: tok.gr, ph: tok.ph };
  } else if (deltaToken === "latest") {
    // "Changes from now on": no objects, just the link.
    const select = firstSelect(call, type);
    if (select === undefined) return;
    return call.ok({ "@odata.context": call.context(type, select), value: [], "@odata.deltaLink": deltaLink(select, dir.seq) });
  } else if (deltaToken) {
    const tok = decodeToken(deltaToken);
    if (tok?.k !== "delta") return call.fail(400, "Request_BadRequest", "Invalid $deltatoken.");
    if (!tokenHolds(call, type, tok, tok.seq)) return;
    cur = { type, select: tok.s, from: tok.seq, to: dir.seq, pos: 0, ...fresh };
  } else {
    const select = firstSelect(call, type);
    if (select === undefined) return;
    cur = { type, select, from: -1, to: dir.seq, pos: 0, ...fresh };
  }

  const mode: DeltaMode = { behaviours, minimal: prefersMinimal(call) };
  // RFC 7240 section 3 (Preference-Applied): say which preference shaped the answer.
  if (mode.minimal && behaviours.partialObjects) call.res.setHeader("Preference-Applied", "return=minimal");
  const page = deltaPage(dir, cur, { objects: env.caps.deltaObjects, links: env.caps.deltaLinks }, mode);
  const body: Record<string, unknown> = { "@odata.context": call.context(type, cur.select) };
  if (page.next) {
    const n = page.next;
    const tok: PageToken = { k: "page", ...seal(), r: type, s: n.select ? [...n.select] : null, f: n.from, to: n.to, p: n.pos, gp: n.gp, gm: n.gm, gr: n.gr, ph: n.ph };
    body["@odata.nextLink"] = call.link(`/v1.0/${type}/delta`, { $skiptoken: encodeToken(tok) });
  } else {
    body["@odata.deltaLink"] = deltaLink(cur.select, cur.to);
  }
  body.value = page.value;
  call.ok(body);
}
