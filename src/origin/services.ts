import { consoleSink, createLogger, type Logger, type LogSink } from "../shared/logger";
import { isRegion, type Region } from "../shared/regions";
import { CredentialService } from "./credentials/service";
import { createDatabase, type Database } from "./db/client";
import type { OriginEnv } from "./env";
import { IdempotencyStore } from "./idempotency/store";
import { SettingsService } from "./settings/service";
import { TenantService } from "./tenants/service";

export interface OriginServices {
  readonly region: Region;
  readonly db: Database;
  readonly logger: Logger;
  readonly idempotency: IdempotencyStore;
  readonly settings: SettingsService;
  readonly tenants: TenantService;
  readonly credentials: CredentialService;
}

/** The one place where the origin's implementations are chosen from its bindings. */
export function createOriginServices(env: OriginEnv, sink: LogSink = consoleSink): OriginServices {
  if (!isRegion(env.REGION)) throw new Error("REGION must be one of us, eu, apac");
  if (!env.ASSERTION_PUBLIC_KEY) throw new Error("ASSERTION_PUBLIC_KEY is not configured");

  const db = createDatabase(env.DB);
  return {
    region: env.REGION,
    db,
    logger: createLogger(sink, `origin-${env.REGION}`, { region: env.REGION }),
    idempotency: new IdempotencyStore(db),
    settings: new SettingsService(db),
    tenants: new TenantService(db, env.REGION),
    credentials: new CredentialService(db, env.REGION),
  };
}
