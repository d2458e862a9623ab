import "../worker/core.js";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { appHookData, appRegistry, hooksOf, type FunctionRegistry } from "../worker/core.js";

/**
 * The entry points `package.json` `main` names (the Node.js worker loads
 * exactly those: functions-reference-node.md, "Folder structure" / main).
 * `main` names the built files (dist/ from tsconfig's outDir); locally the
 * TypeScript sources they are built from are imported instead, through the
 * running TypeScript loader (tsx for `npm start`, vitest in tests), so no
 * build step can leave a stale dist/ running. The mapping is tsc's own:
 * outDir `dist`, rootDir `.`, `.js` from `.ts`.
 */
export function entryPoints(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { main?: string };
  if (!pkg.main) throw new Error("package.json has no main: the worker would find no entry point");
  const built = join(root, pkg.main);
  const dir = dirname(relative(join(root, "dist"), built));
  const pattern = new RegExp(`^${basename(built).replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
  const srcDir = join(root, dir);
  if (!existsSync(srcDir)) throw new Error(`no sources for main '${pkg.main}' in ${srcDir}`);
  return readdirSync(srcDir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && pattern.test(f.replace(/\.ts$/, ".js")))
    .sort()
    .map((f) => join(srcDir, f));
}

let loaded: Promise<FunctionRegistry> | undefined;

/**
 * Imports the entry points once per process; their registrations land in the
 * app registry. Then the appStart hooks run, as the worker runs them after
 * loading (azure-functions-nodejs-worker, src/startApp.ts).
 */
export function loadApp(root: string): Promise<FunctionRegistry> {
  loaded ??= (async () => {
    for (const file of entryPoints(root)) await import(pathToFileURL(file).href);
    for (const h of hooksOf("appStart")) await h({ hookData: {}, appHookData, functionAppDirectory: root });
    return appRegistry;
  })();
  return loaded;
}
