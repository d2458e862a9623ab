import { join } from "node:path";

/** Where the local runtime keeps generated, never-committed files. */
export const LOCAL_DIR = join(process.cwd(), ".local");
export const CERT_DIR = join(LOCAL_DIR, "certs");
export const SIM_JSON = join(LOCAL_DIR, "sim.json");
export const DEV_JSON = join(LOCAL_DIR, "dev.json");
