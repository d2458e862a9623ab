import { randomUUID } from "node:crypto";
import type { GraphObject } from "../domain/graph-object.js";
import { linkKindOf } from "../domain/synced.js";
import { batchGet, MAX_BATCH_REQUESTS, relativeToVersion, type BatchAnswer } from "../graph/batch.js";
import type { RetryPolicy } from "../graph/retry.js";
import type { StreamState } from "../store/sync-state.js";
import { textOf } from "../domain/text.js";
import { planPass } from "./changed-parents.js";
import { GraphRefused, PermissionDenied } from "./graph-source.js";
import { parentLinkSink } from "./parent-links.js";
import { parentObjectSink } from "./parent-objects.js";
import { ParentPlanStore, type ParentPlan } from "./parent-plan.js";
import type { ParentAnswers } from "./parent-sink.js";
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

/** An item answer's Graph error code, when it has one. */
const codeOf = (a: BatchAnswer): string => {
  const b = a.body as { error?: { code?: unknown; message?: unknown } } | undefined;
  return textOf(b?.error?.code);
};
const messageOf = (a: BatchAnswer): string => textOf((a.body as { error?: { message?: unknown } } | undefined)?.error?.message);

/**
 * Runs a per-parent kind for one run: decides the parents (all of them on a
 * full pass, else those a change signal names), then reads each parent's
 * collection through `$batch`, 20 parents a checkpoint, and hands each
 * group to the kind's sink (object rows, or links for a link kind). The stream state
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
      linkTotals: { ...previous?.linkTotals },
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
  const kind = linkKindOf(m.type);
  const ctx = { stores, tenantId, m, runId, call, checkpointSeq: state.seq, state, plan, preview, now };
  const sink = kind ? parentLinkSink(ctx, kind) : parentObjectSink(ctx);
  const counters = state.counters;

  /**
   * One group of parents: every page of each, then handed to the sink. The
   * pages it read come back with the answers and are counted when the group
   * is taken, so a read ahead that is never taken counts nothing.
   */
  const readGroup = async (ids: readonly string[]): Promise<{ readonly pages: number; readonly answers: ParentAnswers | { skip: string } | { fail: string } }> => {
    const items = new Map<string, GraphObject[]>(ids.map((id) => [id, []]));
    const gone: string[] = [];
    let pages = 0;
    let open = ids.map((id) => ({ id, url: `${parent.path(id)}?$select=${m.select.join(",")}&$top=999` }));
    while (open.length > 0) {
      const answers = await batchGet(post, open.map((o) => o.url), batchOptions);
      // Each answer inside the batch is one page of a parent's collection (the envelope is not a page).
      pages += answers.filter((a) => a.status === 200).length;
      const more: typeof open = [];
      for (const [k, a] of answers.entries()) {
        const o = open[k]!;
        if (a.status === 404) {
          items.delete(o.id);
          gone.push(o.id);
          continue;
        }
        if (a.status === 403 && codeOf(a) === "Authorization_RequestDenied") return { pages, answers: { skip: messageOf(a) } };
        if (a.status === 403) return { pages, answers: { fail: new GraphRefused(403, codeOf(a) || "Forbidden", messageOf(a)).message } };
        if (a.status !== 200) throw new Error(`Graph answered ${a.status}${codeOf(a) ? ` ${codeOf(a)}` : ""} inside a $batch: ${messageOf(a)}`);
        const body = a.body as { value?: GraphObject[]; "@odata.nextLink"?: string } | undefined;
        items.get(o.id)?.push(...(body?.value ?? []));
        const next = body?.["@odata.nextLink"];
        if (next) more.push({ id: o.id, url: relativeToVersion(next) });
      }
      open = more;
    }
    return { pages, answers: { items, gone } };
  };

  const end = async (status: "skipped" | "failed", error: string, missing: string | null): Promise<StreamProgress> => {
    state.status = status;
    state.error = error;
    state.missingPermission = missing;
    state.endedAt = new Date(now()).toISOString();
    await sink.flush();
    await stores.state.put(tenantId, m.type, state);
    return progress(state, sink.writes());
  };

  const groupAt = (start: number) => readGroup(plan.parents.slice(start, start + MAX_BATCH_REQUESTS));
  // The next group is read while this one is written, as stream.ts reads the
  // next page ahead: the kind then waits on Graph, not on Graph plus the
  // table. Reads change nothing, and the checkpoint still moves only after
  // a group's rows are written, so a call that dies resumes as before. The
  // budget is checked when a read ahead would start, and a read started is
  // always taken, so none is thrown away and read again by the next call;
  // it is always the next group, as each pass moves the checkpoint by one.
  let ahead: ReturnType<typeof groupAt> | undefined;
  try {
    for (let start = state.seq * MAX_BATCH_REQUESTS; start < plan.parents.length; start = state.seq * MAX_BATCH_REQUESTS) {
      let r: ParentAnswers | { skip: string } | { fail: string };
      try {
        const read = await (ahead ?? groupAt(start));
        counters.pages += read.pages;
        r = read.answers;
      } catch (err) {
        if (err instanceof PermissionDenied) return await end("skipped", `missing permission ${m.permission}`, m.permission);
        if (err instanceof GraphRefused) return await end("failed", err.message, null);
        throw err;
      } finally {
        ahead = undefined;
      }
      if ("skip" in r) return await end("skipped", `missing permission ${m.permission}: ${r.skip}`, m.permission);
      if ("fail" in r) return await end("failed", r.fail, null);
      const next = start + MAX_BATCH_REQUESTS;
      if (next < plan.parents.length && now() - started < input.budgetMs) {
        ahead = groupAt(next);
        // Handled where it is awaited; this only keeps an early failure from counting as unhandled.
        ahead.catch(() => undefined);
      }
      await sink.apply(r, state.seq + 1);
      state.seq++;
      await sink.flush();
      await stores.state.put(tenantId, m.type, state);
      if (!ahead && state.seq * MAX_BATCH_REQUESTS < plan.parents.length) return progress(state, sink.writes());
    }
    if (plan.full) await sink.sweep();
    await sink.flush();
    await sink.settle();
    state.status = "done";
    state.endedAt = new Date(now()).toISOString();
    // The cursor moves only once the pass is whole: a pass cut short is read again from its plan.
    if (!preview) await plans.put(tenantId, m.type, { cursor: plan.next, plan: null });
    await stores.state.put(tenantId, m.type, state);
    return progress(state, sink.writes());
  } catch (err) {
    await sink.flush().catch(() => undefined);
    throw err;
  }
}
