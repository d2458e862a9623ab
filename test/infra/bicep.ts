/**
 * Just enough of a Bicep reader for structural tests: no compiler can be
 * installed here. It understands strings ('…', '''…''', ${…} interpolation),
 * comments, and balanced {…} / […] / (…), which is all the tests need to find
 * declarations and read object properties.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const INFRA = join(ROOT, "infra");

export function read(path: string): string {
  return readFileSync(join(ROOT, path), "utf8");
}

/** Every file under infra/, relative to the project root. */
export function infraFiles(dir = INFRA): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...infraFiles(full));
    else out.push(full.slice(ROOT.length + 1));
  }
  return out.sort();
}

export function bicepFiles(): string[] {
  return infraFiles().filter((f) => f.endsWith(".bicep"));
}

/**
 * Replaces comments with spaces (keeping offsets), leaving strings intact.
 * Offsets in the result are valid offsets in the source.
 */
export function stripComments(src: string): string {
  const out = src.split("");
  let i = 0;
  while (i < src.length) {
    if (src.startsWith("'''", i)) {
      const end = src.indexOf("'''", i + 3);
      i = end < 0 ? src.length : end + 3;
    } else if (src[i] === "'") {
      i = skipString(src, i);
    } else if (src.startsWith("//", i)) {
      while (i < src.length && src[i] !== "\n") out[i++] = " ";
    } else if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? src.length : end + 2;
      for (; i < stop; i++) if (src[i] !== "\n") out[i] = " ";
    } else {
      i++;
    }
  }
  return out.join("");
}

/** Index just past the single-quoted string starting at `start` (handles \' and ${…}). */
function skipString(src: string, start: number): number {
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") i += 2;
    else if (c === "'") return i + 1;
    else if (src.startsWith("${", i)) i = matchClose(src, i + 1) + 1;
    else i++;
  }
  return i;
}

const CLOSE: Record<string, string> = { "{": "}", "[": "]", "(": ")" };

/** Index of the bracket closing the one at `open` (comments must be stripped). */
export function matchClose(src: string, open: number): number {
  const stack: string[] = [];
  let i = open;
  while (i < src.length) {
    const c = src[i]!;
    if (src.startsWith("'''", i)) {
      const end = src.indexOf("'''", i + 3);
      i = end < 0 ? src.length : end + 3;
      continue;
    }
    if (c === "'") {
      i = skipString(src, i);
      continue;
    }
    if (c in CLOSE) stack.push(CLOSE[c]!);
    else if (c === "}" || c === "]" || c === ")") {
      if (stack.pop() !== c) throw new Error(`unbalanced '${c}' at offset ${i}`);
      if (stack.length === 0) return i;
    }
    i++;
  }
  throw new Error(`no closing bracket for offset ${open}`);
}

export interface Declaration {
  kind: "resource" | "module";
  symbol: string;
  /** Resource type with API version, or module path. */
  target: string;
  existing: boolean;
  /** The body object, braces included. */
  body: string;
  /** Text between `=` and the body (`if (…)`, `[for … :`). */
  head: string;
}

export function declarations(src: string): Declaration[] {
  const text = stripComments(src);
  const out: Declaration[] = [];
  const re = /^(resource|module)\s+(\w+)\s+'([^']+)'(\s+existing)?\s*=/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const afterEq = m.index + m[0].length;
    const open = text.indexOf("{", afterEq);
    const close = matchClose(text, open);
    out.push({
      kind: m[1] as "resource" | "module",
      symbol: m[2]!,
      target: m[3]!,
      existing: Boolean(m[4]),
      head: text.slice(afterEq, open).trim(),
      body: text.slice(open, close + 1),
    });
  }
  return out;
}

export function resourcesOfType(src: string, type: string): Declaration[] {
  return declarations(src).filter((d) => d.kind === "resource" && d.target.split("@")[0] === type);
}

/**
 * Top-level properties of an object literal `{ … }` as key -> raw value text.
 * Keys may be bare identifiers or quoted.
 */
export function objectProperties(obj: string): Map<string, string> {
  const text = stripComments(obj).trim();
  if (!text.startsWith("{")) throw new Error("not an object literal");
  const inner = text.slice(1, matchClose(text, 0));
  // Split at newlines and commas outside brackets and strings.
  const segments: string[] = [];
  let from = 0;
  let j = 0;
  while (j < inner.length) {
    const c = inner[j]!;
    if (c in CLOSE) j = matchClose(inner, j) + 1;
    else if (inner.startsWith("'''", j)) j = inner.indexOf("'''", j + 3) + 3;
    else if (c === "'") j = skipString(inner, j);
    else if (c === "\n" || c === ",") {
      segments.push(inner.slice(from, j));
      from = ++j;
    } else j++;
  }
  segments.push(inner.slice(from));
  const props = new Map<string, string>();
  let last: string | undefined;
  for (const segment of segments) {
    const s = segment.trim();
    if (!s) continue;
    const m = /^(?:'([^']+)'|([A-Za-z_]\w*))\s*:\s*([\s\S]*)$/.exec(s);
    if (m) {
      last = m[1] ?? m[2]!;
      props.set(last, m[3]!.trim());
    } else if (last !== undefined) {
      // Continuation of a multi-line expression (e.g. a ternary).
      props.set(last, `${props.get(last)} ${s}`);
    }
  }
  return props;
}

/** The value text at a dotted path of object properties, e.g. `properties.functionAppConfig`. */
export function property(obj: string, path: string): string | undefined {
  let current: string | undefined = obj;
  for (const key of path.split(".")) {
    if (current === undefined || !current.trim().startsWith("{")) return undefined;
    current = objectProperties(current).get(key);
  }
  return current;
}

export interface Param {
  name: string;
  type: string;
  hasDefault: boolean;
}

export function params(src: string): Param[] {
  const text = stripComments(src);
  const out: Param[] = [];
  for (const m of text.matchAll(/^param\s+(\w+)\s+(\w+)(\s*=)?/gm)) {
    out.push({ name: m[1]!, type: m[2]!, hasDefault: Boolean(m[3]) });
  }
  return out;
}

/** `var name = …` value text (first line, or the balanced expression when it opens a bracket). */
export function variable(src: string, name: string): string | undefined {
  const text = stripComments(src);
  const m = new RegExp(`^var\\s+${name}\\s*=\\s*`, "m").exec(text);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  let end = text.indexOf("\n", start);
  if (end < 0) end = text.length;
  // Extend over any bracket opened on the first line.
  let j = start;
  while (j < end) {
    const c = text[j]!;
    if (c in CLOSE) {
      j = matchClose(text, j) + 1;
      if (j > end) end = text.indexOf("\n", j) < 0 ? text.length : text.indexOf("\n", j);
    } else if (c === "'") j = skipString(text, j);
    else j++;
  }
  return text.slice(start, end).trim();
}

export function exists(path: string): boolean {
  return existsSync(join(ROOT, path));
}

/**
 * A minimal reader for the block-style YAML maps azure.yaml uses
 * (`key: value`, nested by indentation). Lists and flow style are skipped.
 */
export function readYamlMap(src: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const stack: { indent: number; obj: Record<string, unknown> }[] = [{ indent: -1, obj: root }];
  for (const raw of src.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").replace(/^#.*$/, "");
    if (!line.trim() || line.trim().startsWith("-")) continue;
    const m = /^(\s*)([\w.-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const indent = m[1]!.length;
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!.obj;
    const value = m[3]!.trim();
    if (value === "") {
      const child: Record<string, unknown> = {};
      parent[m[2]!] = child;
      stack.push({ indent, obj: child });
    } else {
      parent[m[2]!] = value.replace(/^(['"])(.*)\1$/, "$2");
    }
  }
  return root;
}
