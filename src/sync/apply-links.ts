import type { GraphObject } from "../domain/graph-object.js";
import type { LinkSpec } from "../domain/synced.js";
import { textOf } from "../domain/text.js";
import { ReverseLinks } from "../store/reverse-links.js";
import { countLink } from "./link-counts.js";
import { skipBad, usableId, type PageContext } from "./page-context.js";

export interface LinkOp {
  readonly spec: LinkSpec;
  readonly containerId: string;
  readonly memberId: string;
  readonly remove: boolean;
  readonly memberType: string;
}

/** Every `<nav>@delta` of an object, for each of its type's links: arrays of references, a removal marked `@removed`. */
export function collectLinks(ctx: PageContext, o: GraphObject, out: LinkOp[]): void {
  for (const spec of ctx.links) {
    const refs = o[`${spec.nav}@delta`];
    if (!Array.isArray(refs)) continue;
    for (const l of refs) {
      if (!l || typeof l !== "object" || Array.isArray(l)) continue;
      if (!usableId(l.id)) {
        skipBad(ctx, `${spec.nav.replace(/s$/, "")} of ${o.id}`, l);
        continue;
      }
      const memberType = textOf(l["@odata.type"], "#microsoft.graph.directoryObject").replace("#microsoft.graph.", "");
      out.push({ spec, containerId: o.id, memberId: l.id, remove: l["@removed"] !== undefined, memberType });
    }
  }
}

/** Applies a page's link operations, one link store at a time. */
export async function applyLinks(ctx: PageContext, ops: readonly LinkOp[]): Promise<void> {
  for (const spec of ctx.links) {
    const mine = ops.filter((op) => op.spec === spec);
    if (mine.length === 0) continue;
    if (spec.single && ctx.state.mode === "delta") await applySingle(ctx, spec, mine);
    else await applyMany(ctx, spec, mine);
  }
}

/**
 * Graph reports every link a delta round touched, even when changes cancel
 * out; counting against what is stored keeps the history exact. A full
 * scan recounts from the store at its end instead. A member `@removed`
 * deletes the link, whatever the member's own state.
 */
async function applyMany(ctx: PageContext, spec: LinkSpec, ops: readonly LinkOp[]): Promise<void> {
  const { stores, counters } = ctx;
  const stored = ctx.state.mode === "delta" ? await stores.members.existing(spec.store, ops) : undefined;
  const reverse = new ReverseLinks(stores.members);
  // The feed lists only real changes: a full scan over a store it may already hold reads what is there.
  const known = stored ?? (ctx.feed && ctx.everSynced() ? await stores.members.existing(spec.store, ops) : undefined);
  for (const op of ops) {
    const key = stores.members.rowKey(op.containerId, op.memberId);
    const present = stored?.has(key) ?? false;
    const wasThere = known?.has(key) ?? false;
    if (op.remove) {
      await ctx.linkWriter.delete(stores.members.partitionOf(spec.store, op.containerId), key);
      await reverse.drop(ctx.linkWriter, spec.store, op.containerId, op.memberId);
      if (present) stored?.delete(key);
      if (present || !stored) countLink(counters, spec, "removes");
      if (wasThere || !known) await ctx.feed?.link(spec, op.containerId, op.memberId, op.memberType, "deleted", ctx.runId);
    } else {
      await ctx.linkWriter.upsert(stores.members.entity(spec.store, op.containerId, op.memberId, op.memberType, ctx.runId));
      await reverse.put(ctx.linkWriter, spec, op.containerId, op.memberId, op.memberType, ctx.runId);
      if (!present) countLink(counters, spec, "adds");
      if (!wasThere) await ctx.feed?.link(spec, op.containerId, op.memberId, op.memberType, "added", ctx.runId);
      stored?.add(key);
      if (known !== stored) known?.add(key);
    }
  }
}

/**
 * A single-valued navigation in a delta round (a user's manager): the
 * parent's last reported reference is its value, and any other stored one
 * goes, whether or not Graph also reported the old one `@removed`. A
 * parent whose references are all removals has none left of those.
 */
async function applySingle(ctx: PageContext, spec: LinkSpec, ops: readonly LinkOp[]): Promise<void> {
  const { stores, counters } = ctx;
  const reverse = new ReverseLinks(stores.members);
  const byParent = new Map<string, LinkOp[]>();
  for (const op of ops) byParent.set(op.containerId, [...(byParent.get(op.containerId) ?? []), op]);
  for (const [parent, mine] of byParent) {
    const value = mine.filter((op) => !op.remove).at(-1);
    const removed = new Set(mine.filter((op) => op.remove).map((op) => op.memberId));
    let kept = false;
    for await (const row of stores.members.members(spec.store, parent, { includeHidden: true })) {
      if (value && row.memberId === value.memberId) {
        kept = true;
        continue;
      }
      if (value || removed.has(row.memberId)) {
        await ctx.linkWriter.delete(row.partitionKey, row.rowKey);
        await reverse.drop(ctx.linkWriter, spec.store, parent, row.memberId);
        countLink(counters, spec, "removes");
        await ctx.feed?.link(spec, parent, row.memberId, undefined, "deleted", ctx.runId);
      }
    }
    if (!value) continue;
    await ctx.linkWriter.upsert(stores.members.entity(spec.store, parent, value.memberId, value.memberType, ctx.runId));
    await reverse.put(ctx.linkWriter, spec, parent, value.memberId, value.memberType, ctx.runId);
    if (!kept) countLink(counters, spec, "adds");
    if (!kept) await ctx.feed?.link(spec, parent, value.memberId, value.memberType, "added", ctx.runId);
  }
}

/** The links an object holds as a parent, in every one of its type's link stores. */
export async function deleteLinksOf(ctx: PageContext, id: string): Promise<void> {
  for (const spec of ctx.links) {
    for await (const row of ctx.stores.members.members(spec.store, id, { includeHidden: true })) {
      await ctx.linkWriter.delete(row.partitionKey, row.rowKey);
      await new ReverseLinks(ctx.stores.members).drop(ctx.linkWriter, spec.store, id, row.memberId);
    }
  }
}

/** End of a full scan: the links it did not see are deleted, but for those of a soft-deleted (parked) object. */
export async function sweepLinks(ctx: PageContext): Promise<void> {
  if (ctx.links.length === 0) return;
  const { stores } = ctx;
  const parked = await stores.members.parked();
  const reverse = new ReverseLinks(stores.members);
  for (const spec of ctx.links) {
    for await (const row of stores.members.all(spec.store, ctx.runId, { includeHidden: true })) {
      if (parked.has(stores.objects.rowKeyOf(row.memberId)) || parked.has(stores.objects.rowKeyOf(row.containerId))) continue;
      await ctx.linkWriter.delete(row.partitionKey, row.rowKey);
      await reverse.drop(ctx.linkWriter, spec.store, row.containerId, row.memberId);
      countLink(ctx.counters, spec, "removes");
      await ctx.feed?.link(spec, row.containerId, row.memberId, undefined, "deleted", ctx.runId);
    }
    // The scan rewrote the reverse row of every live link (which fills the index for links stored before it existed): the rest are stale.
    await reverse.sweep(ctx.linkWriter, spec.store, ctx.runId, parked);
  }
}
