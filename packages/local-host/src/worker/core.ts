/**
 * The `@azure/functions-core` module, as the Node.js language worker provides
 * it: `@azure/functions` requires it at its first registration
 * (src/utils/tryGetCoreApiLazy.ts) and hands every `app.*` registration to
 * `registerFunction(metadata, callback)`.
 *
 * Provided the way the worker does it (Azure/azure-functions-nodejs-worker,
 * src/setupCoreModule.ts): `Module.prototype.require` answers that one name
 * with this object; every other require goes through unchanged. No file is
 * written to node_modules, and nothing else about resolution changes. Import
 * this module before anything imports `@azure/functions`: the library caches
 * a failed lookup for the life of the process.
 */
import { createRequire } from "node:module";
import type { FunctionRegistration, HookCallback, ProgrammingModelLike } from "./types.js";

const require = createRequire(import.meta.url);
const Module = require("node:module") as { prototype: { require: (id: string) => unknown } };

class Disposable {
  static from(...likes: { dispose: () => unknown }[]): Disposable {
    return new Disposable(() => likes.forEach((l) => l.dispose()));
  }
  constructor(private readonly callOnDispose: () => unknown) {}
  dispose(): unknown {
    return this.callOnDispose();
  }
}

/** The functions one app registered, by name. */
export class FunctionRegistry {
  readonly functions = new Map<string, FunctionRegistration>();
  private sealed = false;

  add(reg: FunctionRegistration): void {
    // As the worker (src/coreApi/registerFunction.ts): registration ends when the app has started.
    if (this.sealed) throw new Error("A function can only be registered during app startup.");
    // The host indexes functions by name: two of one name cannot both be served.
    if (this.functions.has(reg.metadata.name)) throw new Error(`A function with name "${reg.metadata.name}" has already been registered.`);
    this.functions.set(reg.metadata.name, reg);
  }

  /** Startup is over: later registrations are refused. */
  seal(): void {
    this.sealed = true;
  }

  get(name: string): FunctionRegistration | undefined {
    return this.functions.get(name);
  }

  /** Registrations whose trigger binding has this type (e.g. "httpTrigger"). */
  byTrigger(type: string): FunctionRegistration[] {
    return [...this.functions.values()].filter((r) => triggerOf(r)?.type === type);
  }
}

export function triggerOf(reg: FunctionRegistration): ({ name: string } & Record<string, unknown>) | undefined {
  for (const [name, b] of Object.entries(reg.metadata.bindings)) if (typeof b.type === "string" && b.type.toLowerCase().endsWith("trigger")) return { ...b, name };
  return undefined;
}

/** The app's registrations: everything the entry points registered. */
export const appRegistry = new FunctionRegistry();
let target = appRegistry;
/** Shared by every hook of the app (HookContext.appHookData). */
export const appHookData: Record<string, unknown> = {};
let model: ProgrammingModelLike | undefined;
const hooks = new Map<string, HookCallback[]>();

/**
 * Runs `register` (synchronous `app.*` / `df.app.*` calls) with their
 * registrations collected into a registry of their own: a test's functions
 * beside, not inside, the app's.
 */
export function captureRegistrations(register: () => void): FunctionRegistry {
  const own = new FunctionRegistry();
  const previous = target;
  target = own;
  try {
    register();
  } finally {
    target = previous;
  }
  return own;
}

export function programmingModel(): ProgrammingModelLike {
  if (!model) throw new Error("no programming model is set: nothing has registered a function through @azure/functions");
  return model;
}

export function hooksOf(name: string): readonly HookCallback[] {
  return hooks.get(name) ?? [];
}

type CoreLogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";
let logSink: (level: CoreLogLevel, category: string, message: string) => void = (level, _category, message) => {
  if (level === "error" || level === "critical" || level === "warning") console.error(`[${level}] ${message}`);
};
export function setLogSink(sink: typeof logSink): void {
  logSink = sink;
}
export function coreLog(level: CoreLogLevel, category: string, message: string): void {
  logSink(level, category, message);
}

const coreApi = Object.freeze({
  version: "3.10.1-local",
  hostVersion: "4.1037.0-local",
  Disposable,
  setProgrammingModel(m: ProgrammingModelLike) {
    model = m;
  },
  getProgrammingModel: programmingModel,
  registerFunction(metadata: FunctionRegistration["metadata"], callback: FunctionRegistration["callback"]): Disposable {
    const registry = target;
    registry.add({ metadata, callback });
    return new Disposable(() => registry.functions.delete(metadata.name));
  },
  registerHook(name: string, callback: HookCallback): Disposable {
    const list = hooks.get(name) ?? [];
    list.push(callback);
    hooks.set(name, list);
    return new Disposable(() => list.splice(list.indexOf(callback), 1));
  },
  log: coreLog,
});

const KEY = Symbol.for("entra-sync.functions-core");
const g = globalThis as { [KEY]?: true };
if (!g[KEY]) {
  g[KEY] = true;
  Module.prototype.require = new Proxy(Module.prototype.require, {
    apply(original, thisArg: unknown, args: [string]) {
      return args[0] === "@azure/functions-core" ? coreApi : Reflect.apply<unknown, [string], unknown>(original, thisArg, args);
    },
  });
}
