import { randomUUID } from "node:crypto";
import type { GraphObject, Json } from "../domain/graph-object.js";
import { project } from "../graph/resource.js";
import { batchGet, MAX_BATCH_REQUESTS, relativeToVersion, type BatchAnswer } from "../graph/batch.js";
import type { RetryPolicy } from "../graph/retry.js";
import { BatchWriter } from "../store/batch-writer.js";
import { OBJECT_BUCKETS, objectPartition } from "../store/keys.js";
import type { StreamState } from "../store/sync-state.js";
import { textOf } from "../domain/text.js";
import { contentHash } from "./content-hash.js";
import { planPass } from "./changed-parents.js";
import { GraphRefused, PermissionDenied } from "./graph-source.js";
import { usableId } from "./page-context.js";
import { columnFilters, ParentPlanStore, type ParentPlan } from "./parent-plan.js";
import type { StreamDeps, StreamInput, StreamProgress } from "./stream.js";
import { progress, runningState } from "./stream-state.js";

export interface PerParentInput extends StreamInput {
  /** A full pass at least this often (the periodic pass that catches what no signal showed). */
  readonly fullPassMs: number;
  /** A preview run: stores are the preview's (keyed by `tenantId`, the preview key); every parent is read and nothing is deleted. */
  readonly preview?: boolean;
  /** Retries of a throttled request inside a batch (default: the Graph client's policy). */
  readonly retry?: RetryPolicy;
}

type Raw = Record<string, unknown>;

/** Soft-deleted objects stay restorable for 30 days (api-reference/v1.0/resources/directory.md, deleted items). */
const RESTORABLE_MS = 30 * 86_400_000;
interface StoredRow {
  readonly hidden: boolean;
  readonly hiddenAt: string;
  readonly principal: string;
  readonly hash: string;
  readonly run: string;
  readonly seq: number;
  readonly call: string;
  readonly op: "a" | "u";
  readonly parent: string;
}

/** An item answer's Graph error code, when it has one. */
const codeOf = (a: BatchAnswer): string => {
  const b = a.body as { error?: { code?: unknown; message?: unknown } } | undefined;
  return textOf(b?.error?.code);
};
const messageOf = (a: BatchAnswer): string => textOf((a.body as { error?: { message?: unknown } } | undefined)?.error?.message);

/**
 * Runs a per-parent kind for one run: decides the parents (all of them on a
 * full pass, else those a change signal names), then reads each parent's
 * collection through `$batch`, 20 parents a checkpoint. The stream state
 * keeps the shape and key of every other type, so history, fan-in and the
 * orchestrator see no difference; a call that dies resumes at the last
 * checkpoint. Deletions are staged like any other type's.
 */
export async function runPerParent(deps: StreamDeps, input: PerParentInput): Promise<StreamProgress> {
  const now = deps.now ?? Date.now;
  const started = now();
  const { stores, graph } = deps;
  const { module: m, tenantId, runId } = input;
  const post = graph.post?.bind(graph);
  if (!m.parent || !post) throw new Error(`${m.type} needs a per-parent module and a Graph source that posts $batch`);
  const parent = m.parent;
  const plans = new ParentPlanStore(stores.objects.table);
  const preview = input.preview === true;
  const batchOptions = input.retry ? { retry: input.retry } : {};

  const previous = await stores.state.get(tenantId, m.type);
  const row = await plans.get(tenantId, m.type);
  let state: StreamState;
  let plan: ParentPlan;
  if (previous?.runId === runId && row.plan?.runId === runId) {
    state = previous;
    plan = row.plan;
    if (state.status !== "running") return progress(state);
  } else {
    const at = new Date(now()).toISOString();
    const fresh = (mode: StreamState["mode"], note: string | null): StreamState => ({
      ...runningState(m.type, runId, mode, at),
      error: note,
      filterHash: input.scopeHash,
      total: previous?.total ?? 0,
      skippedNames: [],
    });
    const c = row.cursor;
    const due = !c?.lastFullAt || now() - Date.parse(c.lastFullAt) >= input.fullPassMs;
    const wantFull = preview || input.fullScan || !c || due || previous?.filterHash !== input.scopeHash;
    const planPages = { n: 0 };
    try {
      plan = await planPass(graph, stores, m, runId, at, wantFull ? null : c, planPages);
    } catch (err) {
      // Refused while listing the parents: the kind ends here, as it would on a refused batch.
      if (!(err instanceof PermissionDenied) && !(err instanceof GraphRefused)) throw err;
      const s = fresh("full", null);
      const denied = err instanceof PermissionDenied;
      Object.assign(s, { status: denied ? "skipped" : "failed", error: denied ? `missing permission ${m.permission}` : err.message, missingPermission: denied ? m.permission : null, endedAt: at });
      await stores.state.put(tenantId, m.type, s);
      return progress(s);
    }
    await plans.put(tenantId, m.type, { cursor: c, plan });
    state = fresh(plan.full ? "full" : "delta", plan.note);
    state.counters.pages = planPages.n;
    await stores.state.put(tenantId, m.type, state);
  }

  const call = randomUUID();
  const checkpointSeq = state.seq;
  const writer = new BatchWriter(stores.objects.table);
  const held = stores.held.writer();
  // Soft deletes park the ID beside the links (applyDeletions); a restore or purge takes it off.
  const links = new BatchWriter(stores.members.table);
  const counters = state.counters;
  const all = [writer, held, links];
  const writes = () => ({ transactions: all.reduce((n, w) => n + w.stats.transactions, 0), entities: all.reduce((n, w) => n + w.stats.entities, 0) });
  const flush = () => Promise.all(all.map((w) => w.flush()));
  const softDeleted = new Set(plan.softDeleted);
  const purged = new Set(plan.purged);
  /** A deletion staged for the fan-in; soft: hidden, kept for its principal's restore. */
  const stage = async (id: string, soft = false): Promise<void> => {
    if (preview) return;
    await held.upsert(stores.held.entity(tenantId, { type: m.type, id, runId, soft }));
    counters.deleted++;
  };
  /** A hidden row whose principal is gone for good: already out of the live set and its counts. */
  const purge = async (id: string): Promise<void> => {
    if (preview) return;
    await writer.delete(stores.objects.partitionOf(m.type, id), stores.objects.rowKeyOf(id));
    await links.delete(stores.members.parkedPartition(), stores.objects.rowKeyOf(id));
  };

  /** One group of parents: every page of each, then the stored rows laid against them. */
  const applyGroup = async (ids: readonly string[], seq: number): Promise<"ok" | { skip: string } | { fail: string }> => {
    const items = new Map<string, GraphObject[]>(ids.map((id) => [id, []]));
    let open = ids.map((id) => ({ id, url: `${parent.path(id)}?$select=${m.select.join(",")}&$top=999` }));
    while (open.length > 0) {
      const answers = await batchGet(post, open.map((o) => o.url), batchOptions);
      // Each answer inside the batch is one page of a parent's collection (the envelope is not a page).
      counters.pages += answers.filter((a) => a.status === 200).length;
      const more: typeof open = [];
      for (const [k, a] of answers.entries()) {
        const o = open[k]!;
        // The parent is gone: its collection goes with it.
        if (a.status === 404) continue;
        if (a.status === 403 && codeOf(a) === "Authorization_RequestDenied") return { skip: messageOf(a) };
        if (a.status === 403) return { fail: new GraphRefused(403, codeOf(a) || "Forbidden", messageOf(a)).message };
        if (a.status !== 200) throw new Error(`Graph answered ${a.status}${codeOf(a) ? ` ${codeOf(a)}` : ""} inside a $batch: ${messageOf(a)}`);
        const body = a.body as { value?: GraphObject[]; "@odata.nextLink"?: string } | undefined;
        items.get(o.id)?.push(...(body?.value ?? []));
        const next = body?.["@odata.nextLink"];
        if (next) more.push({ id: o.id, url: relativeToVersion(next) });
      }
      open = more;
    }
    const stored = await storedOf(ids);
    const seen = new Set<string>();
    for (const [pid, list] of items) {
      for (const o of list) {
        if (!usableId(o.id)) {
          counters.skipped = (counters.skipped ?? 0) + 1;
          const names = (state.skippedNames ??= []);
          if (names.length < 5) names.push(`${m.type} ${JSON.stringify(textOf(o.id).slice(0, 40))}`);
          continue;
        }
        if (seen.has(o.id)) continue;
        seen.add(o.id);
        counters.objects++;
        const data: Record<string, Json> = project(m, o);
        const hash = contentHash(data);
        const row = stored.get(o.id);
        // A hidden row (its principal was soft-deleted) seen again: restored, so new to the live set.
        const s = row?.hidden ? undefined : row;
        const countedBefore = s?.run === runId && (s.seq <= checkpointSeq || s.call === call);
        const op: "a" | "u" = s && !(s.run === runId && s.op === "a") ? "u" : "a";
        if (!countedBefore && (!s || s.hash !== hash || (s.run === runId && s.seq > checkpointSeq))) {
          if (op === "a") counters.added++;
          else counters.updated++;
        }
        if (!s || s.hash !== hash) {
          const e = stores.objects.entity(m.type, o.id, { name: m.name(o), hash, run: runId, seq, op, call, scan: runId, data });
          // The parent and principal as columns: a parent's rows, or a deleted principal's, are found by query.
          await writer.upsert({ ...e, parent: pid, principal: textOf(o.principalId) });
          if (row?.hidden) await links.delete(stores.members.parkedPartition(), stores.objects.rowKeyOf(o.id));
        } else if (plan.full) {
          // Unchanged: only the mark the full pass's sweep reads.
          await writer.upsert({ partitionKey: stores.objects.partitionOf(m.type, o.id), rowKey: stores.objects.rowKeyOf(o.id), scan: runId }, "Merge");
        }
      }
    }
    for (const [id, s] of stored) {
      if (seen.has(id)) continue;
      if (!s.hidden) await stage(id, softDeleted.has(s.principal));
      else if (purged.has(s.principal) || !(now() - Date.parse(s.hiddenAt) < RESTORABLE_MS)) await purge(id);
    }
    return "ok";
  };

  const storedOf = async (ids: readonly string[]): Promise<Map<string, StoredRow>> => {
    const out = new Map<string, StoredRow>();
    for (let b = 0; b < OBJECT_BUCKETS; b++) {
      const pk = objectPartition(stores.objects.tenantId, m.type, b);
      for (const filter of columnFilters(pk, "parent", ids)) {
        const it = stores.objects.table.listEntities<Raw>({ queryOptions: { filter, select: ["RowKey", "hash", "run", "seq", "call", "op", "parent", "principal", "hidden", "hiddenAt"] } });
        for await (const e of it) {
          out.set(textOf(e.rowKey), {
            hidden: e.hidden === true,
            hiddenAt: textOf(e.hiddenAt),
            principal: textOf(e.principal),
            hash: textOf(e.hash),
            run: textOf(e.run),
            seq: Number(e.seq ?? 0),
            call: textOf(e.call),
            op: e.op === "a" ? "a" : "u",
            parent: textOf(e.parent),
          });
        }
      }
    }
    return out;
  };

  const end = async (status: "skipped" | "failed", error: string, missing: string | null): Promise<StreamProgress> => {
    state.status = status;
    state.error = error;
    state.missingPermission = missing;
    state.endedAt = new Date(now()).toISOString();
    await flush();
    await stores.state.put(tenantId, m.type, state);
    return progress(state, writes());
  };

  try {
    for (let start = state.seq * MAX_BATCH_REQUESTS; start < plan.parents.length; start = state.seq * MAX_BATCH_REQUESTS) {
      let r: Awaited<ReturnType<typeof applyGroup>>;
      try {
        r = await applyGroup(plan.parents.slice(start, start + MAX_BATCH_REQUESTS), state.seq + 1);
      } catch (err) {
        if (err instanceof PermissionDenied) return await end("skipped", `missing permission ${m.permission}`, m.permission);
        if (err instanceof GraphRefused) return await end("failed", err.message, null);
        throw err;
      }
      if (r !== "ok") return "skip" in r ? await end("skipped", `missing permission ${m.permission}: ${r.skip}`, m.permission) : await end("failed", r.fail, null);
      state.seq++;
      await flush();
      await stores.state.put(tenantId, m.type, state);
      if (now() - started >= input.budgetMs && state.seq * MAX_BATCH_REQUESTS < plan.parents.length) return progress(state, writes());
    }
    if (plan.full && !preview) {
      await writer.flush();
      // What the full pass did not see belongs to no live parent; a hidden row waits out the restore window.
      for await (const u of stores.objects.unseen(m.type, runId)) {
        if (u.hiddenAt === undefined) await stage(u.id);
        else if (!(now() - Date.parse(u.hiddenAt) < RESTORABLE_MS)) await purge(u.id);
      }
    }
    await flush();
    state.total = plan.full ? await stores.objects.count(m.type) : state.total + counters.added;
    state.status = "done";
    state.endedAt = new Date(now()).toISOString();
    // The cursor moves only once the pass is whole: a pass cut short is read again from its plan.
    if (!preview) await plans.put(tenantId, m.type, { cursor: plan.next, plan: null });
    await stores.state.put(tenantId, m.type, state);
    return progress(state, writes());
  } catch (err) {
    await Promise.allSettled(all.map((w) => w.flush()));
    throw err;
  }
}
