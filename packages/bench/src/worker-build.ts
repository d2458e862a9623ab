/**
 * The measured worker runs compiled JavaScript, as Azure runs the tsc output
 * of `npm run build`, not through tsx: tsx's loader thread and its transforms
 * add about 65 MB to the RSS being measured (a bare `node --import tsx` is
 * 74 MB against 41; importing the suite, 190 MB against 124).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const REPO = join(import.meta.dirname, "..", "..", "..");

export interface BuiltWorker {
  /** The worker's entry point. */
  readonly entry: string;
  readonly remove: () => void;
}

/** tsc of the worker and what it imports into a fresh directory under .local (so node_modules resolve as in the repo). */
export function buildWorker(): BuiltWorker {
  mkdirSync(join(REPO, ".local"), { recursive: true });
  const out = mkdtempSync(join(REPO, ".local", "bench-worker-"));
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(REPO, "packages", "bench", "tsconfig.worker.json"), "--outDir", out], { encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(out, { recursive: true, force: true });
    throw new Error(`tsc of the bench worker failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  }
  return { entry: join(out, "packages", "bench", "src", "worker.js"), remove: () => rmSync(out, { recursive: true, force: true }) };
}
