import { describe, expect, it } from "vitest";
import { formatRun } from "../../packages/local-host/src/run-report.js";
import { logJson, logText } from "../../src/monitoring/log-text.js";
import { EVENT_SYNC_RUN, formatEvent, parseEvent } from "../../src/monitoring/events.js";

/** Log lines cannot be forged through directory data (issue 20.8). */

const FORGED = "Contoso\n[sync] Fabrikam: succeeded in 0.1s\r\x1b[31mred\x1b[0m\u009b2J\u2028next\u202Eevil\u2066x\u2069\ud800";

describe("log lines", () => {
  // Regression: a displayName with a newline printed as a second, forged [sync] line, and ANSI codes recoloured the console.
  it("the run report stays one line per run whatever the tenant's name holds", () => {
    const line = formatRun(FORGED, undefined, "Failed", 1000);
    expect(line.split("\n")).toHaveLength(1);
    // eslint-disable-next-line no-control-regex -- asserting control characters are gone is the point
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(line).toContain("Contoso\\u000a[sync] Fabrikam");
    expect(line).toContain("\\u001b[31mred");
  });

  it("escapes every unsafe character visibly and leaves other text alone", () => {
    expect(logText("Zoë 東京 🙂 a-b_c")).toBe("Zoë 東京 🙂 a-b_c");
    const out = logText(FORGED);
    for (const esc of ["\\u000a", "\\u000d", "\\u001b", "\\u009b", "\\u2028", "\\u202e", "\\u2066", "\\u2069", "\\ud800"]) expect(out).toContain(esc);
    // eslint-disable-next-line no-control-regex -- asserting control characters are gone is the point
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  });

  it("event lines stay one line of JSON that parses back to the same fields", () => {
    const fields = { tenantId: FORGED, runId: "r", type: "delta", status: "failed", trigger: "schedule" };
    const line = formatEvent(EVENT_SYNC_RUN, fields);
    expect(line.split(/[\n\r\u2028\u2029]/)).toHaveLength(1);
    // eslint-disable-next-line no-control-regex -- asserting control characters are gone is the point
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    // Escapes are JSON escapes: parsing restores every field exactly, the lone surrogate included.
    expect(parseEvent(line)?.fields).toEqual(fields);
    expect(JSON.parse(logJson({ a: "\u202e" }))).toEqual({ a: "\u202e" });
  });
});
