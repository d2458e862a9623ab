import { spawn } from "node:child_process";
import { join } from "node:path";

export interface RunningTableServer {
  /** http://127.0.0.1:port (the account name follows in table URLs). */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts bench/table-server.ts in a child process and waits for its port. */
export function startTableServer(): Promise<RunningTableServer> {
  const tsx = import.meta.resolve("tsx");
  const child = spawn(process.execPath, ["--import", tsx, join(import.meta.dirname, "table-server.ts")], { stdio: ["ignore", 2, "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => reject(new Error(`table server exited with ${code ?? signal}`)));
    child.once("message", (m: { port: number }) => {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      resolve({
        url: `http://127.0.0.1:${m.port}`,
        async stop() {
          if (child.exitCode !== null) return;
          child.disconnect();
          await exited;
        },
      });
    });
  });
}
