import { hexToBytes } from "../shared/encoding";
import { consoleSink, createLogger, type Logger, type LogSink } from "../shared/logger";
import { isRegion, type Region } from "../shared/regions";
import { webCryptoAesGcm } from "./customers/aes-gcm";
import { DataKeyCache } from "./customers/data-key-cache";
import { KeyCustody } from "./customers/key-custody";
import { KeyRotation } from "./customers/rotation";
import { CustomerService } from "./customers/service";
import { createDatabase, type Database } from "./db/client";
import type { OriginEnv } from "./env";
import { IdempotencyStore } from "./idempotency/store";
import { createKekProvider } from "./keys/provider-choice";
import { LedgerService } from "./ledger/service";
import { SettingsService } from "./settings/service";
import { TenantService } from "./tenants/service";

export interface OriginServices {
  readonly region: Region;
  readonly db: Database;
  readonly logger: Logger;
  readonly idempotency: IdempotencyStore;
  /** HMAC-SHA256 key for idempotency fingerprints, imported once per isolate. */
  readonly fingerprintKey: Promise<CryptoKey>;
  readonly settings: SettingsService;
  readonly tenants: TenantService;
  readonly keys: KeyCustody;
  readonly customers: CustomerService;
  readonly ledger: LedgerService;
  readonly rotation: KeyRotation;
}

/** Unwrapped data keys per isolate: bounded so memory stays small, short-lived so erasure holds. */
export const DATA_KEY_CACHE_MAX_ENTRIES = 1_000;
export const DATA_KEY_CACHE_TTL_MS = 60_000;

/** The one place where the origin's implementations are chosen from its bindings. */
export function createOriginServices(env: OriginEnv, sink: LogSink = consoleSink): OriginServices {
  if (!isRegion(env.REGION)) throw new Error("REGION must be one of us, eu, apac");
  if (!env.ASSERTION_PUBLIC_KEY) throw new Error("ASSERTION_PUBLIC_KEY is not configured");
  if (!/^[0-9a-f]{64}$/.test(env.IDEMPOTENCY_FINGERPRINT_KEY ?? "")) {
    throw new Error("IDEMPOTENCY_FINGERPRINT_KEY must be 32 bytes as lowercase hex");
  }

  const db = createDatabase(env.DB);
  const logger = createLogger(sink, `origin-${env.REGION}`, { region: env.REGION });
  const cache = new DataKeyCache(DATA_KEY_CACHE_MAX_ENTRIES, DATA_KEY_CACHE_TTL_MS);
  const keys = new KeyCustody(db, createKekProvider(env), cache, logger);
  return {
    region: env.REGION,
    db,
    logger,
    keys,
    customers: new CustomerService(db, env.REGION, keys, webCryptoAesGcm),
    rotation: new KeyRotation(db, keys, logger),
    idempotency: new IdempotencyStore(db),
    fingerprintKey: crypto.subtle.importKey(
      "raw",
      hexToBytes(env.IDEMPOTENCY_FINGERPRINT_KEY),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    ),
    settings: new SettingsService(db),
    tenants: new TenantService(db, env.REGION),
    ledger: new LedgerService(env.DB, env),
  };
}
