import { writeFileSync } from "node:fs";
import { API_TYPES_FILE, generateApiTypes } from "./api-types.js";

// `npx tsx packages/portal/tools/gen-api.ts` after a change to the API's routes or schemas.
writeFileSync(API_TYPES_FILE, await generateApiTypes());
console.log(`wrote ${API_TYPES_FILE}`);
