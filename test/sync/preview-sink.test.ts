import { inject, describe, expect, it } from "vitest";
import { everything, scopeHash } from "../../src/domain/filters.js";
import { resourceOf } from "../../src/graph/resources/index.js";
import { previewKey } from "../../src/store/preview-store.js";
import { Tables } from "../../src/store/tables.js";
import { liveTarget } from "../../src/sync/live-sink.js";
import { previewTarget } from "../../src/sync/preview-sink.js";
import { runStream } from "../../src/sync/stream.js";
import type { StreamTarget } from "../../src/sync/page-sink.js";
import { uniqueTableName } from "../support/tables.js";
import { deltaPage, fakeGraph, tokenOf } from "./fake-graph.js";

const T = "22222222-2222-4222-8222-222222222222";

describe("page sinks: one page loop, pages to the live store or to a preview (fake Graph transport)", () => {
  it("a preview scans in full under its own key, classifies against the live rows, and leaves the live state, store and held rows alone", async () => {
    const rounds: Record<string, unknown> = {
      "": deltaPage("users", [{ id: "u1", displayName: "Ann" }, { id: "u2", displayName: "Bob" }], { delta: "1" }),
      "1": deltaPage("users", [{ id: "u2", "@removed": { reason: "deleted" } }], { delta: "2" }),
    };
    const g = fakeGraph((url) => rounds[tokenOf(url)]);
    const tables = new Tables({ kind: "connectionString", connectionString: inject("tableConnectionString") }, uniqueTableName("p"));
    await tables.ensure();
    const run = (target: StreamTarget, runId: string) =>
      runStream({ graph: g.source, stores: target.stores }, { tenantId: T, module: resourceOf("users"), runId, fullScan: false, scope: everything, scopeHash: scopeHash(null), budgetMs: 600_000 }, target.sink);

    const live = liveTarget(tables, T);
    await run(live, "r1");
    // The live round asks for minimal objects, as it merges them over its rows.
    expect(g.calls[0]?.prefer).toBe("return=minimal");
    const liveState = await live.stores.state.get(T, "users");

    // A changed Ann and a new Cid: the preview must not resume from the live deltaLink, which would bring only u2's removal.
    rounds[""] = deltaPage("users", [{ id: "u1", displayName: "Ann B" }, { id: "u2", displayName: "Bob" }, { id: "u3", displayName: "Cid" }], { delta: "9" });
    const preview = previewTarget(tables, T, "p1");
    const p = await run(preview, "p1");
    expect(p).toMatchObject({ done: true, status: "done", mode: "full", counters: { added: 1, updated: 1, deleted: 0 } });
    expect(tokenOf(g.calls[1]!.url)).toBe("");
    expect(g.calls[1]?.prefer).toBeNull();

    const own = await preview.stores.state.get(previewKey(T, "p1"), "users");
    expect(own).toMatchObject({ runId: "p1", total: 3, deltaLink: null });
    expect(await live.stores.state.get(T, "users")).toEqual(liveState);
    expect(await live.stores.objects.count("users")).toBe(2);
    const held: unknown[] = [];
    for await (const d of live.stores.held.list(T)) held.push(d);
    expect(held).toEqual([]);
  });
});
