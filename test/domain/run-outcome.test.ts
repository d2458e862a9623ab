import { describe, expect, it } from "vitest";
import { eventStatusOf, runOutcomeOf } from "../../src/domain/run-outcome.js";

describe("run outcome", () => {
  it("held wins, then all failed, then any failed", () => {
    expect(runOutcomeOf(true, ["failed"])).toBe("held");
    expect(runOutcomeOf(false, ["failed", "skipped"])).toBe("failed");
    expect(runOutcomeOf(false, ["failed", "succeeded"])).toBe("partial");
    expect(runOutcomeOf(false, ["skipped", "succeeded"])).toBe("succeeded");
    expect(runOutcomeOf(false, ["skipped"])).toBe("succeeded");
  });

  it("a held run is a succeeded sync in the SyncRun event", () => {
    expect(eventStatusOf("held")).toBe("succeeded");
    expect(eventStatusOf("partial")).toBe("partial");
  });
});
