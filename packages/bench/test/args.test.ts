import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FUNCTION_APP_HEAP_MB, parseArgs, type BenchArgs } from "../src/args.js";

const parsed = (argv: string[]): BenchArgs => {
  const a = parseArgs(argv);
  if (a === "help") throw new Error("help");
  return a;
};

describe("bench arguments: the worker's heap", () => {
  it("defaults to the Function App's heap, half the instance memory infra deploys", () => {
    const bicep = readFileSync(join(import.meta.dirname, "../../../infra/modules/functionapp.bicep"), "utf8");
    const instance = Number(/^param instanceMemoryMB int = (\d+)$/m.exec(bicep)?.[1]);
    expect(bicep).toContain("'--max-old-space-size=${instanceMemoryMB / 2}'");
    expect(FUNCTION_APP_HEAP_MB).toBe(instance / 2);
    expect(parsed([]).heapLimitMb).toBe(FUNCTION_APP_HEAP_MB);
  });

  it("takes another limit, 0 for Node's default, and refuses one V8 cannot run with", () => {
    expect(parsed(["--heap-limit-mb", "512"]).heapLimitMb).toBe(512);
    expect(parsed(["--heap-limit-mb=0"]).heapLimitMb).toBeNull();
    expect(() => parsed(["--heap-limit-mb", "8"])).toThrow("--heap-limit-mb needs 0 or a number from 16 to 65536, got 8");
    expect(() => parsed(["--heap-limit-mb", "lots"])).toThrow("--heap-limit-mb needs a number");
  });
});
