/**
 * The fleet run's host process (started by fleet.ts): the local Functions
 * host and the service, so that its CPU and RSS are the service's alone
 * (the simulator and Azurite run in the launcher). Takes one FleetJob over
 * IPC and answers with a FleetHostMessage. Logs go to stderr.
 */
import type { FleetHostMessage, FleetJob } from "./fleet-types.js";
import { runFleetHost } from "./fleet-run.js";

const log = (m: string) => process.stderr.write(`[fleet ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

function reply(msg: FleetHostMessage): void {
  if (!process.send) {
    process.stderr.write("fleet host: no IPC channel (start it through bench/fleet.ts)\n");
    process.exit(2);
  }
  process.send(msg, () => process.exit(msg.ok ? 0 : 1));
}

process.once("message", (job: FleetJob) => {
  runFleetHost(job, log).then(
    (report) => reply({ ok: true, report }),
    (err: unknown) => reply({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
