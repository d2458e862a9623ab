/**
 * The measured process: it runs the sync (engine or naive baseline) and
 * nothing else; the simulated Azure and Azurite live in the launcher, so the
 * CPU and RSS reported here are the sync's own. Started by bench/run.ts with
 * NODE_EXTRA_CA_CERTS (the simulator's CA) and --expose-gc, compiled by tsc
 * first (worker-build.ts), as Azure runs the build; takes one Job
 * over IPC and answers with the WorkerResult. Logs go to stderr.
 */
import { runSuite } from "./suite.js";
import type { Job, WorkerResult } from "./types.js";

export type WorkerMessage = { readonly ok: true; readonly result: WorkerResult } | { readonly ok: false; readonly error: string };

const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

function reply(msg: WorkerMessage): void {
  if (!process.send) {
    process.stderr.write("bench worker: no IPC channel (start it through bench/run.ts)\n");
    process.exit(2);
  }
  process.send(msg, () => process.exit(msg.ok ? 0 : 1));
}

process.once("message", (job: Job) => {
  runSuite(job, log).then(
    (result) => reply({ ok: true, result }),
    (err: unknown) => reply({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
