import { describe, expect, it } from "vitest";
import { pacer } from "../../src/sync/side-stream.js";

/** A clock that only moves when the pacer sleeps. */
function clock(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: (ms) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
    slept,
  };
}

describe("the rate pacer of the sign-in and audit streams", () => {
  it("a fresh pass uses the whole window, then waits for its oldest request to leave it", async () => {
    const c = clock();
    const pace = pacer({ requests: 3, perMs: 60_000 }, true, c.now, c.sleep);
    for (let i = 0; i < 3; i++) await pace();
    expect(c.slept).toEqual([]);
    await pace();
    expect(c.slept).toEqual([60_000]);
  });

  it("a resumed pass counts the window as used by the call before it: the steady pace from the first request", async () => {
    const c = clock();
    const pace = pacer({ requests: 10, perMs: 60_000 }, false, c.now, c.sleep);
    for (let i = 0; i < 3; i++) await pace();
    expect(c.slept).toEqual([6_000, 6_000, 6_000]);
  });

  it("no rate, no wait", async () => {
    const c = clock();
    const pace = pacer(undefined, false, c.now, c.sleep);
    for (let i = 0; i < 20; i++) await pace();
    expect(c.slept).toEqual([]);
  });
});
