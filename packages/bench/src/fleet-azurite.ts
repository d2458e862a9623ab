/**
 * Azurite for the fleet run in a process of its own, so that the service's
 * tables and the simulator (in the launcher) do not share one thread. Sends
 * its connection string over IPC; on "stop" it answers with its CPU seconds
 * and exits.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { startAzurite } from "../../local-host/src/azurite.js";

type Msg = { readonly connectionString: string } | { readonly cpuSeconds: number };

export interface AzuriteProcess {
  readonly connectionString: string;
  /** Stops it; resolves with the CPU seconds it used. */
  stop(): Promise<number>;
}

export function startAzuriteProcess(): Promise<AzuriteProcess> {
  const tsx = import.meta.resolve("tsx");
  // A fleet's tables are millions of rows held in this heap (Node's default limit is about 4 GB).
  // BENCH_CPU_PROFILE_DIR: a V8 CPU profile of the table service too, as for the host and the workers.
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, "--max-old-space-size=16384", "--import", tsx, join(import.meta.dirname, "fleet-azurite.ts")], { stdio: ["ignore", 2, "inherit", "ipc"], env: { ...process.env, FLEET_AZURITE_CHILD: "1" } });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`azurite process exited with ${code}`)));
    child.once("message", (m: Msg) => {
      if (!("connectionString" in m)) return reject(new Error("azurite process: no connection string"));
      child.removeAllListeners("exit");
      resolve({
        connectionString: m.connectionString,
        stop: () =>
          new Promise<number>((done) => {
            let cpu = 0;
            child.on("message", (x: Msg) => {
              if ("cpuSeconds" in x) cpu = x.cpuSeconds;
            });
            child.once("exit", () => done(cpu));
            child.send("stop");
          }),
      });
    });
  });
}

if (process.env.FLEET_AZURITE_CHILD && process.send) {
  const azurite = await startAzurite();
  process.on("message", (m) => {
    if (m !== "stop") return;
    const cpu = process.cpuUsage();
    void azurite.stop().finally(() => process.send?.({ cpuSeconds: (cpu.user + cpu.system) / 1e6 } satisfies Msg, () => process.exit(0)));
  });
  process.send({ connectionString: azurite.connectionString } satisfies Msg);
}
