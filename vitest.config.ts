import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { bundleWorkers, generateAssertionKeys, topologyWorkers } from "./scripts/topology";
import { TEST_RATE_LIMITS } from "./test/rate-limits";

/**
 * Two kinds of test. `workers` runs inside workerd: the edge is the worker under test and the three
 * regional origins run beside it as auxiliary workers, each with its own D1 database, exactly as
 * the wrangler configurations describe them. `system` drives the whole topology from Node.js over
 * HTTP, as a merchant would, and reads what only the host can see (logs, database files).
 */
export default defineConfig({
  test: {
    // Vitest leaves one core free by default; on a two-core runner that would run files one by one.
    maxWorkers: 2,
    projects: [
      {
        plugins: [
          cloudflareTest(async () => {
            const keys = generateAssertionKeys();
            const [, ...origins] = topologyWorkers(bundleWorkers(), {
              keys,
              rateLimits: TEST_RATE_LIMITS,
            });
            return {
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                workers: origins as never,
                bindings: {
                  ASSERTION_SIGNING_KEY: keys.privateJwk,
                  ASSERTION_PUBLIC_KEY: keys.publicJwk,
                  EMAIL_HASH_SECRET: keys.emailHashSecret,
                  TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                  TEST_KEY_MIGRATIONS: await readD1Migrations("./migrations-keys"),
                },
                // The test runner reads each region's database directly, to prove where data lands.
                d1Databases: {
                  DB_US: "loyaltyos-us",
                  DB_EU: "loyaltyos-eu",
                  DB_APAC: "loyaltyos-apac",
                  KEYS_US: "loyaltyos-keys-us",
                  KEYS_EU: "loyaltyos-keys-eu",
                  KEYS_APAC: "loyaltyos-keys-apac",
                },
                ratelimits: {
                  CREDENTIAL_RATE_LIMITER: {
                    namespace_id: "1001",
                    simple: { limit: TEST_RATE_LIMITS.credentialPerMinute, period: 60 },
                  },
                  WIDGET_RATE_LIMITER: {
                    namespace_id: "1003",
                    simple: { limit: TEST_RATE_LIMITS.widgetPerMinute, period: 60 },
                  },
                  VERIFICATION_RATE_LIMITER: {
                    namespace_id: "1002",
                    simple: { limit: TEST_RATE_LIMITS.verificationPerMinute, period: 60 },
                  },
                },
              },
            };
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          setupFiles: ["test/workers/setup.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "system",
          include: ["test/system/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
