import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One run: the root tests and every workspace package's tests, one global setup.
    include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Forks, so each worker starts after global setup has set NODE_EXTRA_CA_CERTS.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
