import type { D1Migration } from "cloudflare:test";
import type { EdgeEnv } from "../../src/edge/env";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../../src/edge/index");
    }
    interface Env extends EdgeEnv {
      readonly ASSERTION_PUBLIC_KEY: string;
      readonly TEST_MIGRATIONS: D1Migration[];
      readonly DB_US: D1Database;
      readonly DB_EU: D1Database;
      readonly DB_APAC: D1Database;
      readonly TEST_KEY_MIGRATIONS: D1Migration[];
      readonly KEYS_US: D1Database;
      readonly KEYS_EU: D1Database;
      readonly KEYS_APAC: D1Database;
    }
  }
}
