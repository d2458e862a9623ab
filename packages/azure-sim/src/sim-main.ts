import { generateCertificates } from "./certs.js";
import { simContract, writeSimContract } from "./contract.js";
import { startSimulatedAzure } from "./server.js";
import { CERT_DIR, SIM_JSON } from "../../local-host/src/paths.js";

/** `npm run sim`: the simulated Azure alone, until Ctrl-C. */
const certs = generateCertificates(CERT_DIR);
const sim = await startSimulatedAzure({ certs });
writeSimContract(SIM_JSON, simContract(sim, certs.caCertFile));
console.log(`simulated Azure ready: authority ${sim.authorityHost}, graph ${sim.graphBaseUrl}, key vault ${sim.keyVaultUrl}`);
console.log(`contract written to ${SIM_JSON}; trust ${certs.caCertFile} with NODE_EXTRA_CA_CERTS`);

const stop = (): void => {
  void sim.stop().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
