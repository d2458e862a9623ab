import { Readable } from "node:stream";
import { z } from "zod";
import { startRun } from "../../orchestration/start-run.js";
import { previewKey, type PreviewMeta } from "../../store/preview-store.js";
import { objectTypeSchema } from "../../tenants/schema.js";
import { RequestError } from "../errors.js";
import { decodeToken, encodeToken, pageSizeQuery } from "../paging.js";
import { route, type ApiDeps } from "../route.js";
import { loadTenant } from "../tenant-param.js";
import { apiBaseUrl } from "../public-url.js";

/** Above this many records a preview is offered only as an export (seed: Sophos). */
export const PREVIEW_INLINE_LIMIT = 20_000;

const previewQuery = z
  .object({ type: objectTypeSchema.optional(), pageSize: pageSizeQuery(1000, 100), continuationToken: z.string().max(4096).optional() })
  .strict();

async function currentPreview(deps: ApiDeps, tenantId: string): Promise<PreviewMeta> {
  const meta = await deps.services.previews.get(tenantId);
  if (!meta) throw new RequestError(404, "NotFound", "This tenant has no preview; start one with POST.");
  if (meta.status === "expired" || (meta.expiresAt !== null && Date.parse(meta.expiresAt) <= Date.now())) {
    throw new RequestError(410, "PreviewExpired", "The preview has expired (7 days, or a sync ran since); start a new one.");
  }
  return meta;
}

export const previewRoutes = [
  route({
    name: "startPreview",
    method: "POST",
    path: "tenants/{id}/preview",
    access: "admin",
    summary: "Preview what a sync would bring; only while the tenant is turned off",
    responses: { 202: "Started", 404: "No such tenant", 409: "The tenant is on, or a run is going" },
    async handler({ deps, params, url }) {
      const { value: t } = await loadTenant(deps, params.id);
      if (t.enabled) throw new RequestError(409, "TenantEnabled", "A preview runs only while the tenant is turned off.");
      const r = await startRun(deps.orchestration, deps.services.tenants, t.id, "manual", "preview");
      if (!r.started) throw new RequestError(409, "SyncRunning", "A run of this tenant is going.");
      return { status: 202, headers: { Location: `${apiBaseUrl(deps.services.config, url)}/tenants/${t.id}/preview` }, jsonBody: { runId: r.runId, status: "running" } };
    },
  }),
  route({
    name: "getPreview",
    method: "GET",
    path: "tenants/{id}/preview",
    access: "reader",
    summary: "Preview status and summary (adds, updates, deletes per type) with a page of records",
    query: previewQuery,
    responses: { 200: "The preview", 404: "No preview", 410: "Expired" },
    async handler({ deps, params, query }) {
      const { value: t } = await loadTenant(deps, params.id);
      const meta = await currentPreview(deps, t.id);
      const base = { runId: meta.runId, status: meta.status, startedAt: meta.startedAt, endedAt: meta.endedAt, expiresAt: meta.expiresAt, records: meta.records, summary: meta.summary };
      if (meta.status !== "ready") return { status: 200, jsonBody: { ...base, exportRequired: false, items: [] } };
      if (meta.records > PREVIEW_INLINE_LIMIT) return { status: 200, jsonBody: { ...base, exportRequired: true, items: [] } };
      const types = query.type ? [query.type] : t.objectTypes;
      const cursor = decodeToken(query.continuationToken, z.object({ t: z.number().int().min(0), skip: z.number().int().min(0) })) ?? { t: 0, skip: 0 };
      const store = deps.services.previewObjects(previewKey(t.id, meta.runId));
      const items: Array<{ type: string; change: string; object: unknown }> = [];
      let next: { t: number; skip: number } | undefined;
      outer: for (let i = cursor.t; i < types.length; i++) {
        const skip = i === cursor.t ? cursor.skip : 0;
        let seen = 0;
        for await (const row of store.list(types[i]!)) {
          if (seen++ < skip) continue;
          if (items.length === query.pageSize) {
            next = { t: i, skip: seen - 1 };
            break outer;
          }
          items.push({ type: types[i]!, change: row.op === "a" ? "add" : "update", object: row.data });
        }
      }
      return { status: 200, jsonBody: { ...base, exportRequired: false, items, ...(next ? { continuationToken: encodeToken(next) } : {}) } };
    },
  }),
  route({
    name: "exportPreview",
    method: "GET",
    path: "tenants/{id}/preview/export",
    access: "reader",
    summary: "The whole preview as streamed JSON",
    responses: { 200: "application/json", 404: "No preview", 409: "Not ready", 410: "Expired" },
    async handler({ deps, params }) {
      const { value: t } = await loadTenant(deps, params.id);
      const meta = await currentPreview(deps, t.id);
      if (meta.status !== "ready") throw new RequestError(409, "PreviewNotReady", `The preview is ${meta.status}.`);
      const store = deps.services.previewObjects(previewKey(t.id, meta.runId));
      const body = Readable.from((async function* () {
        yield `{"runId":${JSON.stringify(meta.runId)},"summary":${JSON.stringify(meta.summary)},"records":[`;
        let first = true;
        for (const type of t.objectTypes) {
          for await (const row of store.list(type)) {
            yield `${first ? "" : ","}\n${JSON.stringify({ type, change: row.op === "a" ? "add" : "update", object: row.data })}`;
            first = false;
          }
        }
        yield "\n]}\n";
      })());
      return { status: 200, headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="preview-${t.id}.json"` }, body };
    },
  }),
];
