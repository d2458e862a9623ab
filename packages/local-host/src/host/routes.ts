import { triggerOf, type FunctionRegistry } from "../worker/core.js";
import type { FunctionRegistration } from "../worker/types.js";

export type AuthLevel = "anonymous" | "function" | "admin";

export interface HttpFunction {
  readonly name: string;
  readonly triggerName: string;
  readonly methods: readonly string[] | undefined;
  readonly authLevel: AuthLevel;
  readonly template: string;
  match(path: string): Record<string, string> | undefined;
}

/**
 * A Functions route template: literal segments (matched case-insensitively,
 * as ASP.NET Core routing does), `{name}`, `{name?}`, `{name:constraint}`
 * and a trailing catch-all `{*name}`. Constraints are not checked, only
 * stripped (none of this app's routes has one).
 */
function compileTemplate(template: string): (path: string) => Record<string, string> | undefined {
  const names: string[] = [];
  let source = "";
  for (const seg of template.split("/").filter((s) => s.length > 0)) {
    const whole = /^\{(\*?)(\w+)(?::[^}?]*)?(\?)?\}$/.exec(seg);
    if (whole) {
      names.push(whole[2]!);
      if (whole[1]) source += "(?:/(.*))?";
      else source += whole[3] ? "(?:/([^/]+))?" : "/([^/]+)";
      continue;
    }
    source += "/";
    source += seg.replace(/\{(\w+)(?::[^}]*)?\}|[^{}]+/g, (m, name: string | undefined) => {
      if (name) {
        names.push(name);
        return "([^/]+)";
      }
      return m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    });
  }
  const pattern = new RegExp(`^${source}/?$`, "i");
  return (path) => {
    const m = pattern.exec(path);
    if (!m) return undefined;
    const params: Record<string, string> = {};
    names.forEach((n, i) => {
      const v = m[i + 1];
      if (v !== undefined) params[n] = v;
    });
    return params;
  };
}

function httpFunction(reg: FunctionRegistration, routePrefix: string): HttpFunction {
  const trigger = triggerOf(reg)!;
  const route = typeof trigger.route === "string" ? trigger.route : reg.metadata.name;
  const template = `${routePrefix ? `/${routePrefix}` : ""}/${route}`;
  const methods = Array.isArray(trigger.methods) ? trigger.methods.map((m) => String(m).toUpperCase()) : undefined;
  // The library always sets it (default anonymous, src/trigger.ts); unset, the host's binding defaults to function.
  const level = typeof trigger.authLevel === "string" ? trigger.authLevel.toLowerCase() : "function";
  const authLevel: AuthLevel = level === "anonymous" || level === "admin" ? level : "function";
  return { name: reg.metadata.name, triggerName: trigger.name, methods, authLevel, template, match: compileTemplate(template) };
}

/** The app's HTTP functions, routed under host.json's routePrefix. */
export function httpFunctions(registry: FunctionRegistry, routePrefix: string): HttpFunction[] {
  return registry.byTrigger("httpTrigger").map((r) => httpFunction(r, routePrefix));
}

/**
 * The function for this method and path; of several, the one with the most
 * literal text wins (ASP.NET Core route precedence: literals before
 * parameters). A path that matches only under another method is a 404, as
 * the host answers.
 */
export function route(fns: readonly HttpFunction[], method: string, path: string): { fn: HttpFunction; params: Record<string, string> } | undefined {
  let best: { fn: HttpFunction; params: Record<string, string>; literal: number } | undefined;
  for (const fn of fns) {
    if (fn.methods && !fn.methods.includes(method)) continue;
    const params = fn.match(path);
    if (!params) continue;
    const literal = fn.template.replace(/\{[^}]*\}/g, "").length;
    if (!best || literal > best.literal) best = { fn, params, literal };
  }
  return best && { fn: best.fn, params: best.params };
}
