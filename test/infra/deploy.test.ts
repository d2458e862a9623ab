import { describe, expect, it } from "vitest";
import { read, readYamlMap, stripComments } from "./bicep.js";

const main = read("infra/main.bicep");
const functionApp = read("infra/modules/functionapp.bicep");

/** A parameter's decorators and default: the `@…` lines right above `param name`. */
function paramSpec(src: string, name: string): { allowed: string[]; min?: number; max?: number; default?: string } {
  const text = stripComments(src);
  const m = new RegExp(`^param\\s+${name}\\s+\\w+(?:\\s*=\\s*(.+))?$`, "m").exec(text);
  if (!m) throw new Error(`no param ${name}`);
  // Decorators run back to the previous param, var, resource or blank-separated block.
  const before = text.slice(0, m.index);
  const block = before.slice(Math.max(before.lastIndexOf("\n\n"), 0));
  const allowed = /@allowed\(\[([\s\S]*?)\]\)/.exec(block)?.[1]?.split(/\s+/).filter(Boolean) ?? [];
  const min = /@minValue\((\d+)\)/.exec(block)?.[1];
  const max = /@maxValue\((\d+)\)/.exec(block)?.[1];
  return { allowed, ...(min ? { min: Number(min) } : {}), ...(max ? { max: Number(max) } : {}), ...(m[1] ? { default: m[1].trim() } : {}) };
}

describe("Flex Consumption limits", () => {
  it("runs Node 22 only (Node 20 reached end of life on 2026-04-30), in the module and in main.bicep", () => {
    for (const src of [functionApp, main]) expect(paramSpec(src, "nodeVersion")).toEqual({ allowed: ["'22'"], default: "'22'" });
  });

  it("offers exactly the instance sizes Flex Consumption has: 512, 2048 and 4096 MB", () => {
    const spec = paramSpec(functionApp, "instanceMemoryMB");
    expect(spec.allowed).toEqual(["512", "2048", "4096"]);
    expect(spec.allowed).toContain(spec.default);
  });

  it("keeps maximumInstanceCount between Flex's lowest (40) and highest (1000)", () => {
    const spec = paramSpec(functionApp, "maximumInstanceCount");
    expect(spec.min).toBe(40);
    expect(spec.max).toBe(1000);
    expect(Number(spec.default)).toBeGreaterThanOrEqual(40);
  });

  it("package.json engines admit the Node version the app runs on", () => {
    const pkg = JSON.parse(read("package.json")) as { engines?: { node?: string } };
    const floor = /^>=\s*(\d+)(?:\.(\d+))?/.exec(pkg.engines?.node ?? "");
    expect(floor, `engines.node ${pkg.engines?.node}`).not.toBeNull();
    expect(Number(floor![1])).toBeLessThanOrEqual(22);
  });
});

describe("the key vault name across azd down and up", () => {
  const file = JSON.parse(read("infra/main.parameters.json")) as { parameters: Record<string, { value: unknown }> };

  it("maps keyVaultName to AZURE_KEY_VAULT_NAME, the variable main.bicep outputs the name under", () => {
    expect(file.parameters["keyVaultName"]?.value).toBe("${AZURE_KEY_VAULT_NAME}");
    expect(main).toMatch(/^output AZURE_KEY_VAULT_NAME string = keyVault\.outputs\.name$/m);
    // Empty falls back to the generated name; a set name is used as given.
    expect(main).toMatch(/name: !empty\(keyVaultName\) \? keyVaultName : 'kv-\$\{resourceToken\}'/);
    expect(paramSpec(main, "keyVaultName").default).toBe("''");
  });
});

describe("the deployed package", () => {
  const yaml = readYamlMap(read("azure.yaml")) as { services?: { api?: { hooks?: Record<string, Record<string, Record<string, string>>> } } };
  const hooks = yaml.services?.api?.hooks ?? {};

  it("prunes development dependencies after azd's build, on both shells, and restores them after packaging", () => {
    for (const shell of ["posix", "windows"]) {
      const pre = hooks["prepackage"]?.[shell]?.["run"] ?? "";
      expect(pre, `prepackage ${shell}`).toMatch(/npm run build\b/);
      expect(pre, `prepackage ${shell}`).toMatch(/dist\/functions\/\*\.js/);
      expect(pre, `prepackage ${shell}`).toMatch(/npm prune --omit=dev\b/);
      expect(pre.indexOf("npm run build")).toBeLessThan(pre.indexOf("npm prune"));
      expect(hooks["postpackage"]?.[shell]?.["run"], `postpackage ${shell}`).toMatch(/^npm install\b/);
    }
  });

  it(".funcignore ships dist/, host.json, package.json and node_modules, and nothing of the sources, tests or local runtime", () => {
    const patterns = read(".funcignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    for (const kept of ["/dist/", "/host.json", "/package.json", "/node_modules/", "node_modules"]) expect(patterns, kept).not.toContain(kept);
    for (const dropped of ["/src/", "/functions/", "/test/", "/packages/", "/infra/", "/.azure/", "/local.settings.json", "*.ts", "*.map"]) {
      expect(patterns, dropped).toContain(dropped);
    }
  });

  it("package.json main is the compiled entry points the build writes", () => {
    const pkg = JSON.parse(read("package.json")) as { main?: string; scripts?: Record<string, string> };
    expect(pkg.main).toBe("dist/functions/*.js");
    expect(pkg.scripts?.["build"]).toBe("tsc -p tsconfig.build.json");
    const build = JSON.parse(read("tsconfig.build.json")) as { include?: string[]; exclude?: string[] };
    expect(build.include).toEqual(expect.arrayContaining(["functions/**/*.ts", "src/**/*.ts"]));
    // The local runtime is its own workspace package (packages/), so the build needs no exclude.
    expect(build.exclude).toBeUndefined();
  });
});
