import { fileURLToPath } from "node:url";

/** The project's root (where package.json is), whatever the working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
