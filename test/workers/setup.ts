import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Every region's database gets the schema before any test runs; applying is idempotent.
for (const db of [env.DB_US, env.DB_EU, env.DB_APAC]) {
  await applyD1Migrations(db, env.TEST_MIGRATIONS);
}
for (const keys of [env.KEYS_US, env.KEYS_EU, env.KEYS_APAC]) {
  await applyD1Migrations(keys, env.TEST_KEY_MIGRATIONS);
}
