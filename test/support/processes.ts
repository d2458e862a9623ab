import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const TSX = import.meta.resolve("tsx");

/** Starts a TypeScript entry of the project with tsx, from any working directory. */
export function startTs(entry: string, cwd: string, env: NodeJS.ProcessEnv): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ["--import", TSX, `${PROJECT_ROOT}${entry}`], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

export async function waitForFile(path: string, child: ChildProcess & { output: () => string }, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (child.exitCode !== null) throw new Error(`process exited ${child.exitCode}: ${child.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}: ${child.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function exitOf(child: ChildProcess, timeoutMs = 20_000): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("process did not stop in time"));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** The environment with every Azure setting removed, so the embedded default starts. */
export function envWithoutAzure(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith("AzureWebJobsStorage") || k === "KEY_VAULT_URL" || k === "NODE_EXTRA_CA_CERTS") delete env[k];
  }
  return { ...env, ...extra };
}
